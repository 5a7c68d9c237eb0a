<?php

declare(strict_types=1);

namespace VoipSign;

use FFI;
use FFI\CData;

/**
 * Signatures for WeChat's wx.joinVoIPChat, computed by libvoipsign (the one Rust
 * core every voipsign binding shares) through FFI. This class computes and
 * checks nothing itself: it passes the arguments to the C ABI (the plumbing is in
 * NativeCalls) and turns its errors into exceptions: every one implements
 * VoipSignException, a bad argument is an InputError (\InvalidArgumentException),
 * with a class per code (contract_*_gen.php). Which inputs are
 * refused, and which one is reported when several are bad, is the library's
 * decision, the same in every language (docs/CONTRACT.md): appId, groupId,
 * nonceStr, timeStamp, the session_key (or the first bad key of a list), then the
 * method's own inputs in parameter order. A wrong PHP type is PHP's own TypeError
 * (declare(strict_types=1)), raised before the library is called.
 *
 * ```php
 * use VoipSign\Signer;
 *
 * // A join ticket for the mini program: json_encode it for wx.joinVoIPChat.
 * $ticket = Signer::issue($appId, $groupId, $sessionKey);
 * ```
 *
 * Parameters named as sign()'s ($appId, $groupId, $nonceStr, $timeStamp, $sessionKey)
 * mean the same everywhere. The library is found as Library describes: Signer::useLibrary($path), else the
 * preloaded FFI scope 'voipsign' (FPM), else $VOIPSIGN_LIB, else libvoipsign.so.
 */
final class Signer
{
    use NativeCalls;

    /** Length of a signature: 64 lowercase hex digits. */
    public const SIGNATURE_LEN = 64;

    // 64 + 1024 + 127 + 10 = 1225 bytes at most, plus the NUL (include/voipsign.h).
    private const CANONICAL_CAP = 1226;
    // "4096 bytes always suffice" for the issue() JSON (include/voipsign.h).
    private const ISSUE_CAP = 4096;
    // "8192 bytes always suffice" for the diagnose() JSON (include/voipsign.h).
    private const DIAGNOSE_CAP = 8192;

    /**
     * Compute the `signature` for wx.joinVoIPChat: HMAC-SHA256 of the four values
     * sorted as text and joined, keyed by the session_key string.
     *
     * @param string $appId      the mini program's appId (1–64 printable ASCII)
     * @param string $groupId    the room (1–1024 bytes of UTF-8, no control characters)
     * @param string $nonceStr   1–127 printable ASCII characters
     * @param int    $timeStamp  seconds since the epoch (not milliseconds)
     * @param string $sessionKey the user's session_key from code2Session, as returned
     *
     * @return string 64 lowercase hex digits
     *
     * @throws VoipSignException when an input is refused (getErrorName() says which)
     */
    public static function sign(
        string $appId,
        string $groupId,
        string $nonceStr,
        int $timeStamp,
        #[\SensitiveParameter] string $sessionKey
    ): string {
        $ffi = self::$ffi ?? self::boot();
        $status = $ffi->voipsign_sign(
            $appId, \strlen($appId),
            $groupId, \strlen($groupId),
            $nonceStr, \strlen($nonceStr),
            $timeStamp,
            $sessionKey, \strlen($sessionKey),
            self::$sig, 65,
            self::$err
        );
        if ($status !== 0) {
            throw self::error($status);
        }
        return FFI::string(self::$sig, 64);
    }

    /**
     * Check a signature, in constant time. A well-formed but wrong (or upper-case)
     * signature is false; one that is not 64 hex digits, or a cloud-issued one with a
     * `_` suffix, is an InputError.
     *
     * @param string $signature  the signature to check
     *
     * @throws VoipSignException when an input is refused
     */
    public static function verify(
        string $appId,
        string $groupId,
        string $nonceStr,
        int $timeStamp,
        #[\SensitiveParameter] string $sessionKey,
        string $signature
    ): bool {
        $ffi = self::$ffi ?? self::boot();
        $status = $ffi->voipsign_verify(
            $appId, \strlen($appId),
            $groupId, \strlen($groupId),
            $nonceStr, \strlen($nonceStr),
            $timeStamp,
            $sessionKey, \strlen($sessionKey),
            $signature, \strlen($signature),
            self::$valid,
            self::$err
        );
        if ($status !== 0) {
            throw self::error($status);
        }
        return self::$valid[0];
    }

    /**
     * The canonical string: the four values sorted in code-unit (text) order and
     * joined with no separator. It contains no secret: log it to compare with
     * another implementation.
     *
     * @throws VoipSignException when an input is refused
     */
    public static function canonical(string $appId, string $groupId, string $nonceStr, int $timeStamp): string
    {
        $ffi = self::$ffi ?? self::boot();
        return self::text(self::$text, self::CANONICAL_CAP, static fn (CData $out, int $cap): int => $ffi->voipsign_canonical(
            $appId, \strlen($appId),
            $groupId, \strlen($groupId),
            $nonceStr, \strlen($nonceStr),
            $timeStamp,
            $out, $cap,
            self::$len,
            self::$err
        ));
    }

    /**
     * Issue a join ticket: a fresh 32-character nonceStr from the operating system's
     * CSPRNG, the current time in seconds and the signature. json_encode() the result
     * and hand it to the mini program, which passes it to wx.joinVoIPChat as is.
     *
     * @param RoomType|string $roomType RoomType::VOICE or RoomType::VIDEO (or 'voice', 'video')
     *
     * @return JoinTicket readonly; json_encode() it for wx.joinVoIPChat
     *
     * @throws InputError when an input is refused (a roomType other than 'voice' or
     *                    'video' too)
     */
    public static function issue(
        string $appId,
        string $groupId,
        #[\SensitiveParameter] string $sessionKey,
        RoomType|string $roomType = RoomType::VOICE
    ): JoinTicket {
        $ffi = self::$ffi ?? self::boot();
        $roomType = $roomType instanceof RoomType ? $roomType->value : $roomType;
        $json = self::text(self::$ticket, self::ISSUE_CAP, static fn (CData $out, int $cap): int => $ffi->voipsign_issue(
            $appId, \strlen($appId),
            $groupId, \strlen($groupId),
            $sessionKey, \strlen($sessionKey),
            $roomType, \strlen($roomType),
            $out, $cap,
            self::$len,
            self::$err
        ));
        return JoinTicket::fromArray(json_decode($json, true, 2, JSON_THROW_ON_ERROR));
    }

    /**
     * Sign one room for many members at once (a matchmaker seating a full room): the
     * canonical string is built once, then one HMAC per session_key.
     *
     * @param array<array-key, string> $sessionKeys the members' session_keys
     *
     * @return array<array-key, string> the signatures, under the same keys and in the
     *                                  same order as $sessionKeys
     *
     * @throws VoipSignException when an input is refused; a bad session_key's message
     *                           gives its position (0-based) in $sessionKeys
     * @throws \TypeError        when an element of $sessionKeys is not a string
     */
    public static function signMany(
        string $appId,
        string $groupId,
        string $nonceStr,
        int $timeStamp,
        #[\SensitiveParameter] array $sessionKeys
    ): array {
        $ffi = self::$ffi ?? self::boot();
        $count = \count($sessionKeys);
        [$ptrs, $lens, $copies] = CStrings::arrays($ffi, $sessionKeys, __METHOD__, 5);
        if ($count === 0) {
            // Still validates the room's values; out must be non-NULL.
            $status = $ffi->voipsign_sign_many(
                $appId, \strlen($appId), $groupId, \strlen($groupId), $nonceStr, \strlen($nonceStr),
                $timeStamp, null, null, 0, self::$sig, 65, self::$err
            );
            if ($status !== 0) {
                throw self::error($status);
            }
            return [];
        }
        $out = $ffi->new('char[' . (self::SIGNATURE_LEN * $count) . ']');
        $status = $ffi->voipsign_sign_many(
            $appId, \strlen($appId),
            $groupId, \strlen($groupId),
            $nonceStr, \strlen($nonceStr),
            $timeStamp,
            $ptrs, $lens, $count,
            $out, self::SIGNATURE_LEN * $count,
            self::$err
        );
        CStrings::wipe($copies);
        if ($status !== 0) {
            throw self::error($status);
        }
        return array_combine(
            array_keys($sessionKeys),
            str_split(FFI::string($out, self::SIGNATURE_LEN * $count), self::SIGNATURE_LEN)
        );
    }

    /**
     * WeChat's "user login state signature": HMAC-SHA256 of $body keyed by the
     * session_key string. With the empty body it is the `signature` parameter of
     * `GET /wxa/checksession`, which asks WeChat whether a stored session_key is
     * still the current one.
     *
     * @param string $sessionKey the session_key from code2Session
     * @param string $body       the request body (arbitrary bytes); '' for checksession
     *
     * @return string 64 lowercase hex digits
     *
     * @throws VoipSignException when the session_key is refused
     */
    public static function sessionSignature(#[\SensitiveParameter] string $sessionKey, string $body = ''): string
    {
        $ffi = self::$ffi ?? self::boot();
        $status = $ffi->voipsign_session_signature(
            $sessionKey, \strlen($sessionKey),
            $body, \strlen($body),
            self::$sig, 65,
            self::$err
        );
        if ($status !== 0) {
            throw self::error($status);
        }
        return FFI::string(self::$sig, 64);
    }

    /**
     * Diagnose a signature WeChat rejected: which known mistake (or combination)
     * reproduces it — values not sorted or sorted numerically, joined with commas, key
     * base64-decoded, key and message swapped, key with trailing whitespace, timestamp
     * in milliseconds, upper-case hex, base64 instead of hex, plain SHA-256 — or, when
     * the signature is right, the remaining causes in words a person can act on. A
     * 13-digit timestamp and a malformed $rejectedSignature are findings, not errors.
     *
     * @param string        $sessionKey        the user's current session_key
     * @param string        $rejectedSignature the signature WeChat refused
     * @param list<string>  $otherSessionKeys  older session_keys of the same user, tried
     *                                         for STALE_SESSION_KEY
     *
     * @return Diagnosis readonly: verdict a Verdict, mistakes a list of Mistake (in the
     *         stable order), message, expected, canonical; it never contains a session_key
     *
     * @throws VoipSignException when an input is refused
     * @throws \TypeError        when an element of $otherSessionKeys is not a string
     */
    public static function diagnose(
        string $appId,
        string $groupId,
        string $nonceStr,
        int $timeStamp,
        #[\SensitiveParameter] string $sessionKey,
        string $rejectedSignature,
        #[\SensitiveParameter] array $otherSessionKeys = []
    ): Diagnosis {
        $ffi = self::$ffi ?? self::boot();
        $count = \count($otherSessionKeys);
        [$ptrs, $lens, $copies] = CStrings::arrays($ffi, $otherSessionKeys, __METHOD__, 7);
        $buf = $ffi->new('char[' . self::DIAGNOSE_CAP . ']');
        try {
            $json = self::text($buf, self::DIAGNOSE_CAP, static fn (CData $out, int $cap): int => $ffi->voipsign_diagnose(
                $appId, \strlen($appId),
                $groupId, \strlen($groupId),
                $nonceStr, \strlen($nonceStr),
                $timeStamp,
                $sessionKey, \strlen($sessionKey),
                $rejectedSignature, \strlen($rejectedSignature),
                $ptrs, $lens, $count,
                $out, $cap,
                self::$len,
                self::$err
            ));
        } finally {
            CStrings::wipe($copies);
        }
        return Diagnosis::fromArray(json_decode($json, true, 3, JSON_THROW_ON_ERROR));
    }

    /**
     * Explain a wx.joinVoIPChat failure: what the errCode (and codes nested in errMsg,
     * such as -12020 inside a -10088) means and what to do; with $context (what the
     * backend knows: the caller's seat, the room, today's quota, a replaced
     * session_key) it names the causes only that tells apart: SESSION_KEY_REPLACED,
     * SEATED_ELSEWHERE, a ROOM_FULL the ledger did not count (a ghost).
     *
     *     Signer::explain(-1, '', new ExplainContext(groupId: 'room-2', seatedElsewhere: 'room-1'))
     *         ->cause === Cause::SEATED_ELSEWHERE
     *
     * @param int                 $errCode the errCode the mini program received
     * @param string              $errMsg  its errMsg, '' when unknown
     * @param ExplainContext|null $context what the backend knows (null: nothing)
     *
     * @return Explanation readonly: cause (a Cause), meaning, action
     *
     * @throws VoipSignException when the library refuses the input (INVALID_CONTEXT:
     *                           a negative count, a groupId it would not accept)
     */
    public static function explain(int $errCode, string $errMsg = '', ?ExplainContext $context = null): Explanation
    {
        $ffi = self::$ffi ?? self::boot();
        $ctx = $context === null ? '' : json_encode($context, JSON_THROW_ON_ERROR | JSON_FORCE_OBJECT);
        $json = self::text(self::$ticket, self::ISSUE_CAP, static fn (CData $out, int $cap): int => $ffi->voipsign_explain_with(
            $errCode,
            $errMsg, \strlen($errMsg),
            $ctx, \strlen($ctx),
            $ffi->VOIPSIGN_SPELLING_CAMEL, // the context's names are PHP's (camelCase)
            $out, $cap,
            self::$len,
            self::$err
        ));
        return Explanation::fromArray(json_decode($json, true, 2, JSON_THROW_ON_ERROR));
    }

    /**
     * Load libvoipsign from this path (or library name) with FFI::cdef(), now, and
     * use it from then on; null returns to the automatic order (preloaded scope,
     * $VOIPSIGN_LIB, libvoipsign.so) at the next call.
     *
     * @param string|null $path e.g. '/usr/local/lib/libvoipsign.so'
     *
     * @throws LibraryException when the library cannot be loaded
     */
    public static function useLibrary(?string $path): void
    {
        self::unload($path);
        if ($path !== null) {
            self::boot();
        }
    }

    /**
     * The loaded library (loading it if needed), for Ledger: a ledger is created
     * with, and keeps, the library Signer uses at that moment.
     *
     * @internal
     *
     * @throws LibraryException when the library cannot be loaded
     */
    public static function ffi(): FFI
    {
        return self::$ffi ?? self::boot();
    }

    /**
     * Where the library was loaded from: the FFI scope (preloaded) or a path.
     *
     * @throws LibraryException when the library cannot be loaded
     */
    public static function library(): string
    {
        self::$ffi ?? self::boot();
        return self::$source;
    }

    /**
     * The version of the loaded libvoipsign, e.g. '0.1.0'.
     *
     * @throws LibraryException when the library cannot be loaded
     */
    public static function version(): string
    {
        return (self::$ffi ?? self::boot())->voipsign_version();
    }
}
