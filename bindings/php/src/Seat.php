<?php

declare(strict_types=1);

namespace VoipSign;

/** A member's place in a room (Room::$members). Times are unix milliseconds. */
final class Seat implements \JsonSerializable
{
    /**
     * @param string $memberId the member's openid
     * @param int    $since    when the seat was granted or adopted (renewals keep it)
     * @param int    $expires  when the lease ends (exclusive: live while now < expires)
     */
    public function __construct(
        public readonly string $memberId,
        public readonly int $since,
        public readonly int $expires
    ) {
    }

    /** @return array{memberId: string, since: int, expires: int} */
    public function jsonSerialize(): array
    {
        return get_object_vars($this);
    }
}
