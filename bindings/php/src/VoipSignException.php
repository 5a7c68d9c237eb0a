<?php

declare(strict_types=1);

namespace VoipSign;

/**
 * An input the library refused (or, for RNG_FAILURE and INTERNAL, a failure inside
 * it). getCode() is the C status value (voipsign_status), getErrorName() the code
 * name of docs/CONTRACT.md ('INVALID_NONCE'), getMessage() the library's reason, which
 * names the field and never contains the session_key.
 *
 * ```php
 * try {
 *     $sig = Signer::sign($appId, $groupId, $nonceStr, $timeStamp, $sessionKey);
 * } catch (VoipSignException $e) {
 *     if ($e->getErrorName() === 'INVALID_SESSION_KEY') { ... }
 * }
 * ```
 */
class VoipSignException extends \InvalidArgumentException
{
    // The values of enum voipsign_status (include/voipsign.h); a test checks them
    // against the library. Values are stable: new codes are only appended.
    public const INVALID_APP_ID = 1;
    public const INVALID_GROUP_ID = 2;
    public const INVALID_NONCE = 3;
    public const INVALID_TIMESTAMP = 4;
    public const INVALID_SESSION_KEY = 5;
    public const INVALID_SIGNATURE = 6;
    public const NULL_ARGUMENT = 7;
    public const INVALID_UTF8 = 8;
    public const BUFFER_TOO_SMALL = 9;
    public const RNG_FAILURE = 10;
    public const INTERNAL = 11;
    public const INVALID_ROOM_TYPE = 12;
    // The room ledger (Ledger).
    public const ROOM_FULL = 13;
    public const DAILY_ROOM_LIMIT = 14;
    public const NOT_ADMITTED = 15;
    public const INVALID_MEMBER_ID = 16;
    public const INVALID_RULES = 17;
    public const LEDGER_UNAVAILABLE = 18;
    // Ledger::redis(): the URL is malformed (the message never shows it).
    public const INVALID_REDIS_URL = 19;

    private string $errorName;

    /**
     * @param string          $message   the library's reason (voipsign_error.message)
     * @param int             $code      the C status value
     * @param string          $errorName the code name, as voipsign_status_name() gives it
     * @param \Throwable|null $previous  the cause, if any
     */
    public function __construct(string $message, int $code, string $errorName, ?\Throwable $previous = null)
    {
        parent::__construct($message, $code, $previous);
        $this->errorName = $errorName;
    }

    /**
     * The stable code name of docs/CONTRACT.md, e.g. 'INVALID_NONCE', 'INVALID_SESSION_KEY'.
     */
    public function getErrorName(): string
    {
        return $this->errorName;
    }
}
