<?php

declare(strict_types=1);

namespace VoipSign;

/** The quota of one appId on one day (Ledger::usage()). */
final class Usage implements \JsonSerializable
{
    /**
     * @param int $day            days since 1970-01-01 in the rules' UTC offset ($day - 1 is yesterday)
     * @param int $rooms          openings charged that day
     * @param int $dailyRoomLimit the daily limit
     */
    public function __construct(
        public readonly int $day,
        public readonly int $rooms,
        public readonly int $dailyRoomLimit
    ) {
    }

    /** @return array{day: int, rooms: int, dailyRoomLimit: int} */
    public function jsonSerialize(): array
    {
        return get_object_vars($this);
    }
}
