<?php

declare(strict_types=1);

namespace VoipSign;

/**
 * The result of Ledger::admit() and Ledger::admitAndIssue(). Times are unix
 * milliseconds. json_encode() gives the camelCase object of docs/ROOMS.md.
 */
final class Admission implements \JsonSerializable
{
    /**
     * @param bool $opened         this call opened the room and was charged to today's quota
     * @param bool $renewed        the member already held a seat: lease refreshed, nothing charged
     * @param int  $members        live seats after the call
     * @param int  $generation     how many times the room has been opened
     * @param int  $roomsToday     openings charged to the appId on the day of the call
     * @param int  $dailyRoomLimit the daily limit of openings
     * @param bool $quotaWarning   roomsToday has reached the rules' dailyRoomWarning
     * @param int  $leaseExpiresAt when the member's seat expires unless renewed (exclusive)
     * @param bool $degraded       the store could not be reached and the rules allow: nothing was counted
     */
    public function __construct(
        public readonly bool $opened,
        public readonly bool $renewed,
        public readonly int $members,
        public readonly int $generation,
        public readonly int $roomsToday,
        public readonly int $dailyRoomLimit,
        public readonly bool $quotaWarning,
        public readonly int $leaseExpiresAt,
        public readonly bool $degraded
    ) {
    }

    /** @return array{opened: bool, renewed: bool, members: int, generation: int, roomsToday: int, dailyRoomLimit: int, quotaWarning: bool, leaseExpiresAt: int, degraded: bool} */
    public function jsonSerialize(): array
    {
        return get_object_vars($this);
    }
}
