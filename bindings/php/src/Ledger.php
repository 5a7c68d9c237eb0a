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
 * the store's clock. Errors are VoipSignException with the code names of
 * docs/CONTRACT.md: ROOM_FULL, DAILY_ROOM_LIMIT, NOT_ADMITTED, INVALID_MEMBER_ID,
 * INVALID_RULES, LEDGER_UNAVAILABLE, INVALID_REDIS_URL and the input codes.
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
     * rooms. A null rule is its default; from an array: Ledger::memory(...$rules).
     *
     * @param int|null    $capacity         seats per room, 1–10 (default 10)
     * @param int|null    $dailyRoomLimit   openings per appId per day, 1–100000 (default 100000)
     * @param int|null    $dailyRoomWarning openings from which admissions report quotaWarning,
     *                                      0–dailyRoomLimit (default 90 % of the limit)
     * @param int|null    $reserveTtlMs     lease of a new seat, 1000–3600000 (default 60000)
     * @param int|null    $leaseTtlMs       lease after a heartbeat or sync, 1000–3600000 (default 45000)
     * @param int|null    $syncGraceMs      age under which sync() never removes a seat,
     *                                      0–3600000 (default reserveTtlMs)
     * @param int|null    $dayOffsetMinutes UTC offset of the quota's day, -720–840 (default 480, Beijing)
     * @param string|null $onUnavailable    'allow' (admit, flagged degraded; the default) or 'refuse'
     *
     * @throws VoipSignException INVALID_RULES when a rule is out of range
     */
    public static function memory(
        ?int $capacity = null,
        ?int $dailyRoomLimit = null,
        ?int $dailyRoomWarning = null,
        ?int $reserveTtlMs = null,
        ?int $leaseTtlMs = null,
        ?int $syncGraceMs = null,
        ?int $dayOffsetMinutes = null,
        ?string $onUnavailable = null
    ): self {
        $ffi = Signer::ffi();
        $rules = self::rules($ffi, $capacity, $dailyRoomLimit, $dailyRoomWarning, $reserveTtlMs, $leaseTtlMs, $syncGraceMs, $dayOffsetMinutes, $onUnavailable);
        // A scalar pointer CData, passed by address: PHP 8.2's FFI leaks about 120
        // bytes each time an element of a fresh `voipsign_ledger *[1]` is read.
        $handle = $ffi->new('voipsign_ledger *');
        $err = $ffi->new('voipsign_error[1]');
        $status = $ffi->voipsign_ledger_new_memory(FFI::addr($rules), FFI::addr($handle), $err);
        if ($status !== 0) {
            throw self::exception($ffi, $err, $status);
        }
        return new self($ffi, $handle);
    }

    /**
     * A ledger over a Redis store: one Redis server or Redis Cluster shared by every
     * backend process and machine using the same URL and key prefix, so that the
     * rooms and the daily quota are counted once for all of them. Each operation is
     * one server-side script, atomic against every other process, timed by the
     * server's clock. The rules are memory()'s named arguments; from arrays:
     * Ledger::redis($url, ...$rules, ...$options).
     *
     * Nothing is connected here: an unreachable server shows in the calls, as
     * $onUnavailable says ('allow': admissions flagged degraded; 'refuse':
     * LEDGER_UNAVAILABLE; leave(), sync(), room() and usage() throw
     * LEDGER_UNAVAILABLE either way), within the timeouts: every call blocks on
     * the network, at most about $connectTimeoutMs + 2 x $commandTimeoutMs when
     * the server is slow or gone. After a restart of the server the same Ledger
     * works again. The URL may carry a password: it never appears in an exception's
     * message, and #[\SensitiveParameter] keeps it out of stack traces.
     *
     * Keep one Ledger per process and reuse it (README.md: "Redis"): under PHP-FPM
     * PHP frees every object when the request ends, so there it is one per request.
     *
     * @param string      $url              redis://[user:password@]host[:port][/db], rediss://… (TLS),
     *                                      redis+cluster://[user:password@]host:port[,host:port…] or
     *                                      rediss+cluster://… (a Redis Cluster, by seed nodes)
     * @param int|null    $connectTimeoutMs opening a connection (TCP, TLS, AUTH), 1–60000 ms (default 250)
     * @param int|null    $commandTimeoutMs each command, 1–60000 ms (default 250)
     * @param string|null $keyPrefix        the first part of every key (null or '': 'voipsign'): 1–64
     *                                      printable ASCII bytes without { or }; ledgers with different
     *                                      prefixes on one server are independent (staging, tests)
     *
     * @throws VoipSignException INVALID_REDIS_URL for a malformed URL (checked first), then INVALID_RULES
     *                           for a rule or an option out of range
     */
    public static function redis(
        #[\SensitiveParameter] string $url,
        ?int $capacity = null,
        ?int $dailyRoomLimit = null,
        ?int $dailyRoomWarning = null,
        ?int $reserveTtlMs = null,
        ?int $leaseTtlMs = null,
        ?int $syncGraceMs = null,
        ?int $dayOffsetMinutes = null,
        ?string $onUnavailable = null,
        ?int $connectTimeoutMs = null,
        ?int $commandTimeoutMs = null,
        ?string $keyPrefix = null
    ): self {
        $ffi = Signer::ffi();
        $pending = null;
        try {
            $rules = self::rules($ffi, $capacity, $dailyRoomLimit, $dailyRoomWarning, $reserveTtlMs, $leaseTtlMs, $syncGraceMs, $dayOffsetMinutes, $onUnavailable);
        } catch (VoipSignException $e) {
            // An onUnavailable name with no C value: the library still checks the URL
            // first, given a number it refuses (7) in its place.
            $pending = $e;
            $rules = $ffi->voipsign_rules_default();
            $rules->on_unavailable = 7;
        }
        $options = $ffi->voipsign_redis_options_default();
        if ($connectTimeoutMs !== null) {
            $options->connect_timeout_ms = $connectTimeoutMs;
        }
        if ($commandTimeoutMs !== null) {
            $options->command_timeout_ms = $commandTimeoutMs;
        }
        $prefix = null; // the copy key_prefix points at, kept until the call returns
        if ($keyPrefix !== null && $keyPrefix !== '') {
            $n = \strlen($keyPrefix);
            $prefix = $ffi->new("char[$n]");
            FFI::memcpy($prefix, $keyPrefix, $n);
            $options->key_prefix = $ffi->cast('const char *', $prefix);
            $options->key_prefix_len = $n;
        }
        $handle = $ffi->new('voipsign_ledger *');
        $err = $ffi->new('voipsign_error[1]');
        $status = $ffi->voipsign_ledger_new_redis(
            $url,
            \strlen($url),
            FFI::addr($rules),
            FFI::addr($options),
            FFI::addr($handle),
            $err
        );
        unset($prefix);
        if ($pending !== null) {
            if ($status === 0) {
                $ffi->voipsign_ledger_free($handle); // not reached: 7 is refused
            }
            throw $status === VoipSignException::INVALID_REDIS_URL ? self::exception($ffi, $err, $status) : $pending;
        }
        if ($status !== 0) {
            throw self::exception($ffi, $err, $status);
        }
        return new self($ffi, $handle);
    }

    /**
     * voipsign_rules from the named rules (null: the default).
     *
     * @throws VoipSignException INVALID_RULES for an onUnavailable other than 'allow' / 'refuse'
     */
    private static function rules(
        FFI $ffi,
        ?int $capacity,
        ?int $dailyRoomLimit,
        ?int $dailyRoomWarning,
        ?int $reserveTtlMs,
        ?int $leaseTtlMs,
        ?int $syncGraceMs,
        ?int $dayOffsetMinutes,
        ?string $onUnavailable
    ): CData {
        $rules = $ffi->voipsign_rules_default();
        $given = [
            'capacity' => $capacity,
            'daily_room_limit' => $dailyRoomLimit,
            'daily_room_warning' => $dailyRoomWarning,
            'reserve_ttl_ms' => $reserveTtlMs,
            'lease_ttl_ms' => $leaseTtlMs,
            'sync_grace_ms' => $syncGraceMs,
            'day_offset_minutes' => $dayOffsetMinutes,
        ];
        foreach ($given as $field => $value) {
            if ($value !== null) {
                $rules->$field = $value;
            }
        }
        if ($onUnavailable !== null) {
            // The C ABI numbers the setting; the library maps the name (and refuses
            // any other text with INVALID_RULES).
            $number = $ffi->new('int64_t');
            $err = $ffi->new('voipsign_error[1]');
            $status = $ffi->voipsign_on_unavailable_from_name(
                $onUnavailable,
                \strlen($onUnavailable),
                FFI::addr($number),
                $err
            );
            if ($status !== 0) {
                throw self::exception($ffi, $err, $status);
            }
            $rules->on_unavailable = $number->cdata;
        }
        return $rules;
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
     * seat is renewed, never refused or charged (a retry never double-counts).
     *
     * @throws VoipSignException ROOM_FULL, DAILY_ROOM_LIMIT, LEDGER_UNAVAILABLE or an input code
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
        return $this->admission();
    }

    /**
     * Admit as admit() does and issue the join ticket as Signer::issue() does. Every
     * input, the session_key included, is checked before anything is written: a bad
     * key takes no seat. With $nowMs the ticket's timeStamp is intdiv($nowMs, 1000).
     *
     * @return array{0: Admission, 1: array{groupId: string, nonceStr: string, timeStamp: int, signature: string, roomType: string}}
     *         the admission and the ticket: json_encode() it for wx.joinVoIPChat
     *
     * @throws VoipSignException as admit(), INVALID_SESSION_KEY, INVALID_ROOM_TYPE, INVALID_TIMESTAMP
     */
    public function admitAndIssue(
        string $appId,
        string $groupId,
        string $memberId,
        #[\SensitiveParameter] string $sessionKey,
        string $roomType = 'voice',
        ?int $nowMs = null
    ): array {
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
        /** @var array{groupId: string, nonceStr: string, timeStamp: int, signature: string, roomType: string} $t */
        $t = json_decode(FFI::string($ticket, $this->len[0]), true, 2, JSON_THROW_ON_ERROR);
        return [$this->admission(), $t];
    }

    /**
     * Extend the member's lease (every 15 s while the phone is in the call).
     *
     * @return int the new expiry, unix ms
     *
     * @throws VoipSignException NOT_ADMITTED when the member holds no live seat (admit it again)
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
     * @throws VoipSignException INVALID_MEMBER_ID for a bad id, or an input code
     * @throws \TypeError        when an element of $openIds is not a string
     */
    public function sync(string $appId, string $groupId, array $openIds, ?int $nowMs = null): Room
    {
        $ffi = $this->ffi;
        $count = \count($openIds);
        [$ptrs, $lens, $copies] = CStrings::arrays($ffi, $openIds, __METHOD__, 3);
        // "332 bytes per member plus 64 suffice" (include/voipsign.h): a full room
        // plus every listed id.
        $cap = 64 + 332 * (10 + $count);
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
        if ($status === VoipSignException::BUFFER_TOO_SMALL) {
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
        return $this->readRoom($appId, $groupId, $nowMs, 64 + 332 * 10);
    }

    /**
     * Openings of $appId on $day (days since 1970-01-01 in the rules' offset; null:
     * the day of $nowMs) and the limit. The memory store forgets days before
     * yesterday.
     *
     * @throws VoipSignException for an invalid appId
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
        $u = $this->usageOut[0];
        return new Usage($u->day, $u->rooms, $u->daily_room_limit);
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
            if ($status === VoipSignException::BUFFER_TOO_SMALL && $this->len[0] + 1 > $cap) {
                $cap = $this->len[0] + 1;
                continue;
            }
            $this->check($status);
            return Room::fromArray(json_decode(FFI::string($out, $this->len[0]), true, 4, JSON_THROW_ON_ERROR));
        }
    }

    private function admission(): Admission
    {
        $a = $this->admission[0];
        return new Admission(
            $a->opened, $a->renewed, $a->members, $a->generation, $a->rooms_today,
            $a->daily_room_limit, $a->quota_warning, $a->lease_expires_at, $a->degraded
        );
    }

    /** @throws VoipSignException when $status is not VOIPSIGN_OK */
    private function check(int $status): void
    {
        if ($status !== 0) {
            throw self::exception($this->ffi, $this->err, $status);
        }
    }

    /** The exception of a failed call: the library's code name and message. */
    private static function exception(FFI $ffi, CData $err, int $status): VoipSignException
    {
        $e = $err[0];
        $message = $e->status === $status
            ? FFI::string($e->message, $e->message_len)
            : $ffi->voipsign_status_message($status);
        return new VoipSignException($message, $status, $ffi->voipsign_status_name($status));
    }
}
