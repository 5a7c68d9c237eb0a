<?php

declare(strict_types=1);

namespace VoipSign;

use FFI;
use FFI\CData;

/**
 * The room ledger: WeChat's room rules (at most `capacity` people in a room, at most
 * `dailyRoomLimit` rooms opened per appId per day, a room is gone when everyone has
 * left), enforced by the backend before it hands out a join ticket, with named
 * errors instead of WeChat's late, undocumented failures (docs/ROOMS.md). Every
 * rule and check is libvoipsign's; this class only translates.
 *
 * Seats have leases: admit() reserves one for reserveTtlMs, heartbeat() and sync()
 * extend it by leaseTtlMs, leave() frees it, and an expired seat is gone. Every
 * method takes an optional $nowMs (unix milliseconds) for tests and replays; null is
 * the store's clock. Every exception implements VoipSignException: a refusal of the
 * rules is a RefusalError (a full room, the day's limit, a member's daily openings, no
 * seat: a \RuntimeException, not an \InvalidArgumentException), an unreachable store
 * an OutageError, a bad argument an InputError; each code has its class
 * (contract_*_gen.php). For operators, usage() gives the day's counters and rooms() the
 * live rooms, a page at a time.
 *
 * ```php
 * $ledger = Ledger::memory(capacity: 4);                       // this process's rooms
 * $ledger = Ledger::redis(getenv('VOIPSIGN_REDIS_URL'));       // every process's rooms, on Redis
 * [$admission, $ticket] = $ledger->admitAndIssue($appId, $groupId, $openId, $sessionKey);
 * echo json_encode($ticket); // for wx.joinVoIPChat
 * ```
 *
 * The native ledger is freed when the object is destroyed. A Ledger cannot be
 * cloned or serialized.
 */
final class Ledger
{
    /** "Not given" (VOIPSIGN_UNSET): the store's clock, today. */
    private const UNSET = PHP_INT_MIN;
    // "4096 bytes of ticket always suffice" (include/voipsign.h).
    private const TICKET_CAP = 4096;
    // The largest page of rooms() (INVALID_LIMIT above it), used only to size the
    // buffer of voipsign_ledger_rooms: the library decides what it refuses.
    private const MAX_PAGE = 1000;
    // The C ABI's limit is a uint32_t: a PHP int beyond it goes as 0 (refused).
    private const UINT32_MAX = 0xFFFFFFFF;

    private CData $handle;    // voipsign_ledger *
    private CData $err;       // voipsign_error[1]
    private CData $admission; // voipsign_admission[1]
    private CData $usageOut;  // voipsign_usage[1]
    private CData $int64;     // int64_t[1]
    private CData $bool;      // bool[1]
    private CData $len;       // size_t[1]

    private function __construct(private FFI $ffi, CData $handle)
    {
        $this->handle = $handle;
        $this->err = $ffi->new('voipsign_error[1]');
        $this->admission = $ffi->new('voipsign_admission[1]');
        $this->usageOut = $ffi->new('voipsign_usage[1]');
        $this->int64 = $ffi->new('int64_t[1]');
        $this->bool = $ffi->new('bool[1]');
        $this->len = $ffi->new('size_t[1]');
    }

    /**
     * A ledger over an in-process memory store: the rooms of this process (a
     * long-running worker, tests). Under PHP-FPM each worker would have its own
     * rooms.
     *
     * The rules are named arguments (Ledger::memory(capacity: 4)), a Rules value
     * object (Ledger::memory(new Rules(capacity: 4))), or an array
     * (Ledger::memory(...$rules)): capacity, dailyRoomLimit, dailyRoomWarning,
     * memberDailyOpenings, reserveTtlMs, leaseTtlMs, syncGraceMs, dayOffsetMinutes, onUnavailable
     * (OnUnavailable::ALLOW / REFUSE or 'allow' / 'refuse'); see Rules for the
     * ranges and defaults. Every value goes to the library as given (null: the
     * default), which checks them all in its one order and refuses an unknown name,
     * a wrong type or a value out of range with InvalidRules naming the option.
     *
     * @throws InputError (InvalidRules) when the library refuses an option
     */
    public static function memory(mixed ...$rules): self
    {
        return self::open(null, $rules);
    }

    /**
     * A ledger over a Redis store: one Redis server or Redis Cluster shared by every
     * backend process and machine using the same URL and key prefix, so that the
     * rooms and the daily quota are counted once for all of them. Each operation is
     * one server-side script, atomic against every other process, timed by the
     * server's clock. The options are memory()'s rules plus connectTimeoutMs,
     * commandTimeoutMs and keyPrefix (see RedisOptions), as named arguments, Rules
     * and RedisOptions objects, or arrays: Ledger::redis($url, ...$rules, ...$options).
     *
     * Nothing is connected here: an unreachable server shows in the calls, as
     * onUnavailable says ('allow': admissions flagged degraded; 'refuse':
     * an OutageError; leave(), sync(), room() and usage() throw it either way), within the timeouts: every call blocks on
     * the network, at most about connectTimeoutMs + 2 x commandTimeoutMs when
     * the server is slow or gone. After a restart of the server the same Ledger
     * works again. The URL may carry a password: it never appears in an exception's
     * message, and #[\SensitiveParameter] keeps it out of stack traces.
     *
     * Keep one Ledger per process and reuse it (README.md: "Redis"): under PHP-FPM
     * PHP frees every object when the request ends, so there it is one per request.
     *
     * @param string $url redis://[user:password@]host[:port][/db], rediss://… (TLS),
     *                    redis+cluster://[user:password@]host:port[,host:port…] or
     *                    rediss+cluster://… (a Redis Cluster, by seed nodes)
     *
     * @throws InputError for a malformed URL (checked first; the message never shows
     *                    it), then for an option the library refuses
     */
    public static function redis(#[\SensitiveParameter] string $url, mixed ...$options): self
    {
        return self::open($url, $options);
    }

    /**
     * voipsign_ledger_open with the options as a JSON object: Rules and
     * RedisOptions objects unpacked, every other argument as given (a positional
     * one by its number, which the library refuses as an unknown name).
     *
     * @param array<array-key, mixed> $given
     */
    private static function open(#[\SensitiveParameter] ?string $url, array $given): self
    {
        $options = [];
        foreach ($given as $name => $value) {
            if ($value instanceof Rules || $value instanceof RedisOptions) {
                $options = $value->toArray() + $options;
            } else {
                $options[(string) $name] = $value;
            }
        }
        // Bytes that are not UTF-8 become U+FFFD, which the library refuses in any option.
        try {
            $json = json_encode((object) $options, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION | JSON_INVALID_UTF8_SUBSTITUTE);
        } catch (\JsonException $e) {
            // INF, NAN or a resource: no option takes one (the library never sees it).
            $code = ErrorCode::INVALID_RULES;
            throw new InvalidRules('an option is not a number, a string or null (INF, NAN or a resource)', $code->number(), $code->value, $e);
        }
        $ffi = Signer::ffi();
        // A scalar pointer CData, passed by address: PHP 8.2's FFI leaks about 120
        // bytes each time an element of a fresh `voipsign_ledger *[1]` is read.
        $handle = $ffi->new('voipsign_ledger *');
        $err = $ffi->new('voipsign_error[1]');
        $status = $ffi->voipsign_ledger_open($url, $url === null ? 0 : \strlen($url), $json, \strlen($json), 1, FFI::addr($handle), $err);
        if ($status !== 0) {
            throw Signer::failure($ffi, $err, $status);
        }
        return new self($ffi, $handle);
    }

    /** Free the native ledger. */
    public function __destruct()
    {
        if (isset($this->handle)) {
            $this->ffi->voipsign_ledger_free($this->handle);
            unset($this->handle);
        }
    }

    /** A copy would free the native ledger twice. */
    private function __clone()
    {
    }

    /** @throws \LogicException always: a native ledger cannot be serialized */
    public function __serialize(): array
    {
        throw new \LogicException('a VoipSign\Ledger cannot be serialized');
    }

    /**
     * @param array<mixed> $data
     *
     * @throws \LogicException always: a native ledger cannot be unserialized
     */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('a VoipSign\Ledger cannot be unserialized');
    }

    /**
     * Seat $memberId (the user's openid) in the room ($appId, $groupId), opening it
     * when it is not live (charged to today's quota). A member who already holds a
     * seat is renewed, never refused or charged (a retry never double-counts). A member
     * who already opened memberDailyOpenings rooms today is refused a new opening
     * (MemberDailyLimit, a RefusalError); joining a live room is never refused by it.
     *
     * @throws RefusalError|OutageError|InputError a full room, the day's limit or the member's,
     *                                             the store unreachable, a bad argument
     */
    public function admit(string $appId, string $groupId, string $memberId, ?int $nowMs = null): Admission
    {
        $this->check($this->ffi->voipsign_ledger_admit(
            $this->handle,
            $appId, \strlen($appId),
            $groupId, \strlen($groupId),
            $memberId, \strlen($memberId),
            $nowMs ?? self::UNSET,
            $this->admission,
            $this->err
        ));
        return Admission::fromStruct($this->admission[0]);
    }

    /**
     * Admit as admit() does and issue the join ticket as Signer::issue() does. Every
     * input, the session_key included, is checked before anything is written: a bad
     * key takes no seat. With $nowMs the ticket's timeStamp is intdiv($nowMs, 1000).
     *
     * @return array{0: Admission, 1: JoinTicket} the admission and the ticket:
     *         json_encode() it for wx.joinVoIPChat
     *
     * @throws RefusalError|OutageError|InputError as admit(), or a bad session_key, roomType or time
     */
    public function admitAndIssue(
        string $appId,
        string $groupId,
        string $memberId,
        #[\SensitiveParameter] string $sessionKey,
        RoomType|string $roomType = RoomType::VOICE,
        ?int $nowMs = null
    ): array {
        $roomType = $roomType instanceof RoomType ? $roomType->value : $roomType;
        $ticket = $this->ffi->new('char[' . self::TICKET_CAP . ']');
        $this->check($this->ffi->voipsign_ledger_admit_and_issue(
            $this->handle,
            $appId, \strlen($appId),
            $groupId, \strlen($groupId),
            $memberId, \strlen($memberId),
            $sessionKey, \strlen($sessionKey),
            $roomType, \strlen($roomType),
            $nowMs ?? self::UNSET,
            $this->admission,
            $ticket, self::TICKET_CAP, $this->len,
            $this->err
        ));
        $t = json_decode(FFI::string($ticket, $this->len[0]), true, 2, JSON_THROW_ON_ERROR);
        return [Admission::fromStruct($this->admission[0]), JoinTicket::fromArray($t)];
    }

    /**
     * Extend the member's lease (every 15 s while the phone is in the call).
     *
     * @return int the new expiry, unix ms
     *
     * @throws RefusalError when the member holds no live seat (admit it again)
     */
    public function heartbeat(string $appId, string $groupId, string $memberId, ?int $nowMs = null): int
    {
        $this->check($this->ffi->voipsign_ledger_heartbeat(
            $this->handle,
            $appId, \strlen($appId),
            $groupId, \strlen($groupId),
            $memberId, \strlen($memberId),
            $nowMs ?? self::UNSET,
            $this->int64,
            $this->err
        ));
        return $this->int64[0];
    }

    /**
     * Remove the member's seat (on wx.exitVoIPChat); idempotent. When the last seat
     * goes, the room is gone.
     *
     * @return bool whether there was a seat
     *
     * @throws VoipSignException for an invalid input
     */
    public function leave(string $appId, string $groupId, string $memberId, ?int $nowMs = null): bool
    {
        $this->check($this->ffi->voipsign_ledger_leave(
            $this->handle,
            $appId, \strlen($appId),
            $groupId, \strlen($groupId),
            $memberId, \strlen($memberId),
            $nowMs ?? self::UNSET,
            $this->bool,
            $this->err
        ));
        return $this->bool[0];
    }

    /**
     * Reconcile the room with the member list a phone reported
     * (wx.onVoIPChatMembersChanged, or joinVoIPChat's openIdList): listed members get
     * a fresh lease, listed members without a seat are adopted (never refused, never
     * charged), unlisted seats older than syncGraceMs are removed.
     *
     * @param array<array-key, string> $openIds
     *
     * @throws InputError for a bad id or another bad argument
     * @throws \TypeError        when an element of $openIds is not a string
     */
    public function sync(string $appId, string $groupId, array $openIds, ?int $nowMs = null): Room
    {
        $ffi = $this->ffi;
        $count = \count($openIds);
        [$ptrs, $lens, $copies] = CStrings::arrays($ffi, $openIds, __METHOD__, 3);
        // A full room plus every listed id always fits (include/voipsign.h).
        $cap = $ffi->voipsign_room_json_bound(Native::MAX_CAPACITY + $count);
        $out = $ffi->new("char[$cap]");
        $status = $ffi->voipsign_ledger_sync(
            $this->handle,
            $appId, \strlen($appId),
            $groupId, \strlen($groupId),
            $ptrs, $lens, $count,
            $nowMs ?? self::UNSET,
            $out, $cap, $this->len,
            $this->err
        );
        unset($copies);
        if ($status === Native::BUFFER_TOO_SMALL) {
            // The sync was applied (it is never repeated): read the room it left.
            return $this->readRoom($appId, $groupId, $nowMs, $this->len[0] + 1);
        }
        $this->check($status);
        return Room::fromArray(json_decode(FFI::string($out, $this->len[0]), true, 4, JSON_THROW_ON_ERROR));
    }

    /**
     * The room without changing it: live seats sorted by member id, the generation,
     * whether it is live (a room never seen: generation 0, not live).
     *
     * @throws VoipSignException for an invalid input
     */
    public function room(string $appId, string $groupId, ?int $nowMs = null): Room
    {
        return $this->readRoom($appId, $groupId, $nowMs, $this->ffi->voipsign_room_json_bound(Native::MAX_CAPACITY));
    }

    /**
     * The day counters of $appId on $day (days since 1970-01-01 in the rules' offset;
     * null: the day of $nowMs), docs/ROOMS.md "Day counters": openings (the quota) and
     * the limit, admissions, renewals, refusals by reason, refused heartbeats, leaves,
     * seats adopted and removed by sync, expired seats, the peak, and liveRooms /
     * liveSeats (exact at the call's time for today; null for another day). Every
     * ended seat of the appId is counted first. The memory store forgets days before
     * yesterday.
     *
     * @throws VoipSignException for an invalid appId, or the store unreachable
     */
    public function usage(string $appId, ?int $day = null, ?int $nowMs = null): Usage
    {
        $this->check($this->ffi->voipsign_ledger_usage(
            $this->handle,
            $appId, \strlen($appId),
            $day ?? self::UNSET,
            $nowMs ?? self::UNSET,
            $this->usageOut,
            $this->err
        ));
        $c = $this->usageOut[0];
        return new Usage(
            $c->day,
            $c->openings,
            $c->admissions,
            $c->renewals,
            $c->refused_room_full,
            $c->refused_daily_limit,
            $c->refused_member_limit,
            $c->heartbeats_refused,
            $c->leaves,
            $c->adopted_by_sync,
            $c->removed_by_sync,
            $c->expired,
            $c->peak_seats,
            $c->live_rooms < 0 ? null : $c->live_rooms, // -1: not the call's own day
            $c->live_seats < 0 ? null : $c->live_seats,
            $c->daily_room_limit
        );
    }

    /**
     * One page of $appId's live rooms in groupId byte order: at most $limit (1–1000,
     * else InvalidLimit, an InputError) of the rooms after the groupId $after (null:
     * from the first). RoomPage->next is the $after of the next page, null on the last:
     *
     * ```php
     * $after = null;
     * do {
     *     $page = $ledger->rooms($appId, 100, $after);
     *     foreach ($page->rooms as $r) { // RoomSummary: ->groupId, ->seats, ->capacity, ->generation, ->openedAt (unix ms)
     *     }
     * } while (($after = $page->next) !== null);
     * ```
     *
     * '' is a groupId like any other (refused: InvalidGroupId naming `after`); only
     * null means "from the first". The checks come in the library's order: appId,
     * limit, after. A page is the rooms at the time of the call: a room opened or
     * closed between two pages may be missed or seen again.
     *
     * @throws InputError|OutageError a bad appId, limit or after; the store unreachable
     */
    public function rooms(string $appId, int $limit = 100, ?string $after = null, ?int $nowMs = null): RoomPage
    {
        // A limit that does not fit the C ABI's uint32_t goes as 0, which the library
        // refuses (after the appId) as every limit outside 1–1000; the message then
        // gives the caller's number.
        $native = $limit >= 0 && $limit <= self::UINT32_MAX ? $limit : 0;
        // An invalid limit is refused before anything is written.
        $cap = $this->ffi->voipsign_room_page_json_bound($limit >= 1 && $limit <= self::MAX_PAGE ? $limit : 0);
        while (true) {
            $out = $this->ffi->new("char[$cap]");
            $status = $this->ffi->voipsign_ledger_rooms(
                $this->handle,
                $appId, \strlen($appId),
                $native,
                $after, $after === null ? 0 : \strlen($after),
                $nowMs ?? self::UNSET,
                $out, $cap, $this->len,
                $this->err
            );
            if ($status === Native::BUFFER_TOO_SMALL && $this->len[0] + 1 > $cap) {
                $cap = $this->len[0] + 1;
                continue;
            }
            if ($status === ErrorCode::INVALID_LIMIT->number() && $native !== $limit) {
                $e = Signer::failure($this->ffi, $this->err, $status);
                $message = str_starts_with($e->getMessage(), 'limit is 0;')
                    ? "limit is $limit;" . substr($e->getMessage(), \strlen('limit is 0;'))
                    : $e->getMessage();
                throw new InvalidLimit($message, $status, $e->getErrorName());
            }
            $this->check($status);
            return RoomPage::fromArray(json_decode(FFI::string($out, $this->len[0]), true, 4, JSON_THROW_ON_ERROR));
        }
    }

    /** voipsign_ledger_room with a buffer of $cap bytes, grown if the library asks. */
    private function readRoom(string $appId, string $groupId, ?int $nowMs, int $cap): Room
    {
        while (true) {
            $out = $this->ffi->new("char[$cap]");
            $status = $this->ffi->voipsign_ledger_room(
                $this->handle,
                $appId, \strlen($appId),
                $groupId, \strlen($groupId),
                $nowMs ?? self::UNSET,
                $out, $cap, $this->len,
                $this->err
            );
            if ($status === Native::BUFFER_TOO_SMALL && $this->len[0] + 1 > $cap) {
                $cap = $this->len[0] + 1;
                continue;
            }
            $this->check($status);
            return Room::fromArray(json_decode(FFI::string($out, $this->len[0]), true, 4, JSON_THROW_ON_ERROR));
        }
    }

    /** @throws VoipSignException when $status is not VOIPSIGN_OK */
    private function check(int $status): void
    {
        if ($status !== 0) {
            throw Signer::failure($this->ffi, $this->err, $status);
        }
    }
}
