<?php

declare(strict_types=1);

namespace VoipSign;

/**
 * A room as the ledger sees it (Ledger::room(), Ledger::sync()). json_encode()
 * gives {"members":[{"memberId":…,"since":…,"expires":…}],"generation":…,"live":…}.
 */
final class Room implements \JsonSerializable
{
    /**
     * @param list<Seat> $members    the live seats, sorted by member id (byte order)
     * @param int        $generation how many times the room has been opened (0: never seen)
     * @param bool       $live       at least one seat is live; a room that is not live
     *                               does not exist, and the next admission opens it again
     */
    public function __construct(
        public readonly array $members,
        public readonly int $generation,
        public readonly bool $live
    ) {
    }

    /**
     * The room from the library's JSON object (decoded as an array).
     *
     * @param array{members: list<array{memberId: string, since: int, expires: int}>, generation: int, live: bool} $room
     *
     * @internal
     */
    public static function fromArray(array $room): self
    {
        $seats = [];
        foreach ($room['members'] as $m) {
            $seats[] = new Seat($m['memberId'], $m['since'], $m['expires']);
        }
        return new self($seats, $room['generation'], $room['live']);
    }

    /** @return array{members: list<Seat>, generation: int, live: bool} */
    public function jsonSerialize(): array
    {
        return get_object_vars($this);
    }
}
