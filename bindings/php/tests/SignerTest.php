<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\ErrorCode;
use VoipSign\ErrorKind;
use VoipSign\InputError;
use VoipSign\InternalError;
use VoipSign\InvalidAppId;
use VoipSign\InvalidLimit;
use VoipSign\LedgerClosed;
use VoipSign\LedgerUnavailable;
use VoipSign\MemberDailyLimit;
use VoipSign\Native;
use VoipSign\OutageError;
use VoipSign\RefusalError;
use VoipSign\RoomFull;
use VoipSign\RoomType;
use VoipSign\UnexpectedError;
use VoipSign\Library;
use VoipSign\LibraryException;
use VoipSign\Signer;
use VoipSign\VoipSignException;

final class SignerTest extends TestCase
{
    private const APP_ID = 'wx20afc706a711eefc';
    private const GROUP_ID = '1559129713_672975982';
    private const NONCE = '8AP6DT9ybtniUJfb';
    private const TS = 1559129714;
    private const KEY = 'gDyVgzwa0mFz9uUP7M6GQQ==';
    private const SIGNATURE = 'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617';

    /** @var list<string> the session_keys of the vectors' cases, all valid */
    private static function keys(): array
    {
        return array_values(array_unique(array_column(Vectors::all()['cases'], 'sessionKey')));
    }

    public function testDocumentationExample(): void
    {
        self::assertSame(self::SIGNATURE, Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY));
        self::assertSame(
            '1559129713_67297598215591297148AP6DT9ybtniUJfbwx20afc706a711eefc',
            Signer::canonical(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS)
        );
    }

    public function testNumericGroupIdIsSortedAsText(): void
    {
        // PHP's default sort() orders numeric strings as numbers and keeps '99' first;
        // the signature needs text order, where '1559129714' < '99'.
        $pair = ['99', (string) self::TS];
        sort($pair);
        self::assertSame(['99', '1559129714'], $pair, 'PHP sort() keeps 99 first (the classic bug)');
        $numeric = [self::APP_ID, '99', self::NONCE, (string) self::TS];
        sort($numeric);

        $canonical = Signer::canonical(self::APP_ID, '99', self::NONCE, self::TS);
        self::assertSame('15591297148AP6DT9ybtniUJfb99wx20afc706a711eefc', $canonical);
        self::assertNotSame(implode('', $numeric), $canonical);
        self::assertSame(
            '939fa6e1dfadc6e32f4b20b2f5bc8db35ff34e8f19a89c8a511cb446ccd42189',
            Signer::sign(self::APP_ID, '99', self::NONCE, self::TS, self::KEY)
        );
        self::assertNotSame(
            hash_hmac('sha256', implode('', $numeric), self::KEY),
            Signer::sign(self::APP_ID, '99', self::NONCE, self::TS, self::KEY)
        );
    }

    public function testVerify(): void
    {
        self::assertTrue(Signer::verify(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, self::SIGNATURE));
        self::assertFalse(Signer::verify(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS + 1, self::KEY, self::SIGNATURE));
        self::assertFalse(Signer::verify(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, strtoupper(self::SIGNATURE)));
        foreach (['', 'abc', self::SIGNATURE . '0', self::SIGNATURE . '_cloudtag', str_repeat('g', 64)] as $bad) {
            try {
                Signer::verify(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, $bad);
                self::fail("verify accepted '$bad'");
            } catch (VoipSignException $e) {
                self::assertSame('INVALID_SIGNATURE', $e->getErrorName());
                self::assertSame(ErrorCode::INVALID_SIGNATURE->number(), $e->getCode());
            }
        }
    }

    public function testIssueRoundTripsThroughVerify(): void
    {
        foreach (['voice', 'video'] as $roomType) {
            $before = time();
            $ticket = Signer::issue(self::APP_ID, '房间-42', self::KEY, $roomType);
            $after = time();
            self::assertSame(['groupId', 'nonceStr', 'timeStamp', 'signature', 'roomType'], array_keys($ticket->jsonSerialize()));
            self::assertSame('房间-42', $ticket->groupId);
            self::assertSame(RoomType::from($roomType), $ticket->roomType);
            self::assertIsInt($ticket->timeStamp);
            self::assertGreaterThanOrEqual($before, $ticket->timeStamp);
            self::assertLessThanOrEqual($after, $ticket->timeStamp);
            self::assertMatchesRegularExpression('/^[A-Za-z0-9]{32}$/', $ticket->nonceStr);
            self::assertMatchesRegularExpression('/^[0-9a-f]{64}$/', $ticket->signature);
            self::assertTrue(Signer::verify(self::APP_ID, $ticket->groupId, $ticket->nonceStr, $ticket->timeStamp, self::KEY, $ticket->signature));
            self::assertSame(
                $ticket->signature,
                Signer::sign(self::APP_ID, $ticket->groupId, $ticket->nonceStr, $ticket->timeStamp, self::KEY)
            );
        }
        self::assertSame(RoomType::VOICE, Signer::issue(self::APP_ID, self::GROUP_ID, self::KEY)->roomType);
        self::assertSame(RoomType::VIDEO, Signer::issue(self::APP_ID, self::GROUP_ID, self::KEY, RoomType::VIDEO)->roomType);
    }

    public function testIssueJsonIsWhatJoinVoIPChatTakes(): void
    {
        $ticket = Signer::issue(self::APP_ID, self::GROUP_ID, self::KEY);
        $json = json_encode($ticket, JSON_THROW_ON_ERROR);
        self::assertMatchesRegularExpression(
            '/^\{"groupId":"1559129713_672975982","nonceStr":"[A-Za-z0-9]{32}","timeStamp":\d+,"signature":"[0-9a-f]{64}","roomType":"voice"\}$/',
            $json
        );
    }

    public function testIssueNoncesAreFresh(): void
    {
        $nonces = [];
        for ($i = 0; $i < 100; $i++) {
            $nonces[] = Signer::issue(self::APP_ID, self::GROUP_ID, self::KEY)->nonceStr;
        }
        self::assertCount(100, array_unique($nonces));
    }

    public function testIssueRefusesBadInput(): void
    {
        $cases = [
            'INVALID_ROOM_TYPE' => [self::APP_ID, self::GROUP_ID, self::KEY, 'audio'],
            'INVALID_ROOM_TYPE ' => [self::APP_ID, self::GROUP_ID, self::KEY, ''],
            'INVALID_APP_ID' => ['', self::GROUP_ID, self::KEY, 'voice'],
            'INVALID_GROUP_ID' => [self::APP_ID, "a\nb", self::KEY, 'voice'],
            'INVALID_SESSION_KEY' => [self::APP_ID, self::GROUP_ID, self::KEY . "\n", 'voice'],
        ];
        foreach ($cases as $name => $args) {
            try {
                Signer::issue(...$args);
                self::fail("issue accepted $name");
            } catch (VoipSignException $e) {
                self::assertSame(trim($name), $e->getErrorName());
                self::assertInstanceOf(InputError::class, $e);
            }
        }
    }

    public function testSignManyEqualsSignPerKey(): void
    {
        $keys = self::keys();
        self::assertGreaterThanOrEqual(3, \count($keys));
        $room = array_merge($keys, $keys, $keys, [self::KEY]); // a full room of 10 with repeats
        $room = \array_slice($room, 0, 10);
        $signatures = Signer::signMany(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, $room);
        self::assertCount(\count($room), $signatures);
        self::assertTrue(array_is_list($signatures));
        foreach ($room as $i => $key) {
            self::assertSame(Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, $key), $signatures[$i]);
        }
    }

    public function testSignManyKeepsTheArrayKeys(): void
    {
        $members = ['openid-b' => self::keys()[1], 'openid-a' => self::KEY, 7 => self::keys()[2]];
        $signatures = Signer::signMany(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, $members);
        self::assertSame(['openid-b', 'openid-a', 7], array_keys($signatures));
        self::assertSame(self::SIGNATURE, $signatures['openid-a']);
        foreach ($members as $id => $key) {
            self::assertSame(Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, $key), $signatures[$id]);
        }
    }

    public function testSignManyEmptyAndErrors(): void
    {
        self::assertSame([], Signer::signMany(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, []));
        try {
            Signer::signMany(self::APP_ID, self::GROUP_ID, '', self::TS, []);
            self::fail('an empty room still validates its values');
        } catch (VoipSignException $e) {
            self::assertSame('INVALID_NONCE', $e->getErrorName());
        }
        try {
            Signer::signMany(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, [self::KEY, self::KEY, 'not-a-key', '']);
            self::fail('signMany accepted a bad key');
        } catch (VoipSignException $e) {
            self::assertSame('INVALID_SESSION_KEY', $e->getErrorName());
            self::assertStringContainsString('[2]', $e->getMessage());
            self::assertStringNotContainsString(self::KEY, $e->getMessage());
        }
    }

    public function testSignManyRefusesNonStrings(): void
    {
        $this->expectException(\TypeError::class);
        Signer::signMany(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, [self::KEY, 42]);
    }

    public function testSessionSignatureDefaultsToTheEmptyBody(): void
    {
        self::assertSame(
            '46e043c5525c2d817c44be603d30837a808a1d930d038f6fdc3e62a201fed128',
            Signer::sessionSignature('o0q0otL8aEzpcZL/FT9WsQ==')
        );
        // A body is arbitrary bytes (NUL included), signed as given.
        self::assertNotSame(Signer::sessionSignature(self::KEY, "a\0b"), Signer::sessionSignature(self::KEY, 'a'));
        $this->expectException(VoipSignException::class);
        Signer::sessionSignature('gDyVgzwa0mFz9uUP7M6GQQ');
    }

    public function testExceptionShape(): void
    {
        try {
            Signer::sign(self::APP_ID, self::GROUP_ID, '', self::TS, self::KEY);
            self::fail('accepted an empty nonceStr');
        } catch (VoipSignException $e) {
            self::assertInstanceOf(\InvalidArgumentException::class, $e);
            self::assertSame('INVALID_NONCE', $e->getErrorName());
            self::assertSame(3, $e->getCode());
            self::assertSame(ErrorCode::INVALID_NONCE->number(), $e->getCode());
            self::assertStringContainsString('nonceStr', $e->getMessage());
        }
        try {
            Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, 1559129714000, self::KEY);
            self::fail('accepted milliseconds');
        } catch (VoipSignException $e) {
            self::assertSame('INVALID_TIMESTAMP', $e->getErrorName());
            self::assertStringContainsString('millisecond', $e->getMessage());
        }
    }

    /** The generated ErrorCode agrees with the library: numbers, names, kinds. */
    public function testErrorCodesMatchTheLibrary(): void
    {
        $ffi = \FFI::cdef(Library::declarations(), (string) getenv('VOIPSIGN_LIB'));
        self::assertCount(21, ErrorCode::cases());
        foreach (ErrorCode::cases() as $code) {
            self::assertSame($ffi->{'VOIPSIGN_' . $code->value}, $code->number(), $code->value);
            self::assertSame($code->value, $ffi->voipsign_status_name($code->number()), $code->value);
            self::assertSame(ErrorKind::fromNumber($ffi->voipsign_status_kind($code->number())), $code->kind(), $code->value);
            self::assertSame($code, ErrorCode::fromNumber($code->number()));
            $class = $code->exceptionClass();
            self::assertTrue(is_subclass_of($class, $code->kind()->exceptionClass()), $class);
            self::assertTrue(is_subclass_of($class, VoipSignException::class), $class);
        }
        // The C ABI's own codes are no binding's.
        self::assertNull(ErrorCode::fromNumber(Native::BUFFER_TOO_SMALL));
        self::assertNull(ErrorCode::fromNumber(0));
        self::assertSame('OK', $ffi->voipsign_status_name(0));
    }

    /** The kinds: InputError is PHP's bad-argument type; a refusal and an outage are not. */
    public function testTheKindSplit(): void
    {
        self::assertTrue(is_subclass_of(InvalidAppId::class, \InvalidArgumentException::class));
        self::assertTrue(is_subclass_of(InvalidAppId::class, InputError::class));
        self::assertFalse(is_subclass_of(RoomFull::class, \InvalidArgumentException::class));
        self::assertTrue(is_subclass_of(RoomFull::class, RefusalError::class));
        self::assertTrue(is_subclass_of(RoomFull::class, \RuntimeException::class));
        self::assertFalse(is_subclass_of(LedgerUnavailable::class, \InvalidArgumentException::class));
        self::assertTrue(is_subclass_of(LedgerUnavailable::class, OutageError::class));
        self::assertTrue(is_subclass_of(LedgerClosed::class, InputError::class));
        self::assertTrue(is_subclass_of(InternalError::class, UnexpectedError::class));
        self::assertFalse(is_subclass_of(InternalError::class, \InvalidArgumentException::class));
        self::assertSame(ErrorKind::REFUSAL, ErrorCode::ROOM_FULL->kind());
        self::assertSame(14, ErrorCode::DAILY_ROOM_LIMIT->number());
        // A member's daily openings is a rule, not a bad argument; a bad page size is.
        self::assertTrue(is_subclass_of(MemberDailyLimit::class, RefusalError::class));
        self::assertFalse(is_subclass_of(MemberDailyLimit::class, \InvalidArgumentException::class));
        self::assertTrue(is_subclass_of(InvalidLimit::class, InputError::class));
        self::assertTrue(is_subclass_of(InvalidLimit::class, \InvalidArgumentException::class));
        self::assertSame([21, ErrorKind::REFUSAL], [ErrorCode::MEMBER_DAILY_LIMIT->number(), ErrorCode::MEMBER_DAILY_LIMIT->kind()]);
        self::assertSame([22, ErrorKind::INPUT], [ErrorCode::INVALID_LIMIT->number(), ErrorCode::INVALID_LIMIT->kind()]);
    }

    /**
     * A status this binding does not know (a newer library): its kind's base class,
     * never a bare exception, with the library's name for it.
     */
    public function testAnUnknownCodeIsItsKindsBase(): void
    {
        $ffi = Signer::ffi();
        $err = $ffi->new('voipsign_error[1]');
        $e = Signer::failure($ffi, $err, 99);
        self::assertSame(UnexpectedError::class, \get_class($e)); // the library: unknown numbers are internal
        self::assertSame(99, $e->getCode());
        self::assertNull($e->getErrorCode());
        self::assertSame(ErrorKind::INTERNAL, $e->getKind());
        $e = Signer::failure($ffi, $err, Native::NULL_ARGUMENT); // a C-only code: its kind's base
        self::assertSame(InputError::class, \get_class($e));
        self::assertSame('NULL_ARGUMENT', $e->getErrorName());
        $e = Signer::failure($ffi, $err, 13);
        self::assertInstanceOf(RoomFull::class, $e);
        self::assertSame(ErrorCode::ROOM_FULL, $e->getErrorCode());
    }

    public function testTheSessionKeyNeverAppearsInATrace(): void
    {
        // Even with zend.exception_ignore_args=0 (development php.ini), the trace shows
        // the session_key as a SensitiveParameterValue.
        ini_set('zend.exception_ignore_args', '0');
        $key = 'SECRETzwa0mFz9uUP7M6GQQ==='; // 25 characters: refused
        $calls = [
            'sign' => static fn () => Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, $key),
            'verify' => static fn () => Signer::verify(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, $key, self::SIGNATURE),
            'issue' => static fn () => Signer::issue(self::APP_ID, self::GROUP_ID, $key),
            'signMany' => static fn () => Signer::signMany(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, [$key]),
            'sessionSignature' => static fn () => Signer::sessionSignature($key),
        ];
        foreach ($calls as $method => $call) {
            try {
                $call();
                self::fail("$method accepted a bad key");
            } catch (VoipSignException $e) {
                self::assertSame('INVALID_SESSION_KEY', $e->getErrorName());
                self::assertStringNotContainsString('SECRET', (string) $e, $method);
                if (PHP_VERSION_ID < 80200) {
                    continue; // #[\SensitiveParameter] takes effect from PHP 8.2
                }
                $frames = array_values(array_filter($e->getTrace(), static fn (array $f): bool => ($f['function'] ?? '') === $method));
                self::assertCount(1, $frames, $method);
                self::assertNotEmpty($frames[0]['args'] ?? [], "$method: arguments are in the trace");
                $sensitive = array_filter($frames[0]['args'], static fn ($a): bool => $a instanceof \SensitiveParameterValue);
                self::assertCount(1, $sensitive, $method);
            }
        }
    }

    public function testErrorsAfterReloadingTheLibrary(): void
    {
        // Regression: a struct field read after the FFI object was replaced crashed
        // PHP (see Library::$loaded).
        for ($i = 0; $i < 3; $i++) {
            try {
                Signer::sign('', self::GROUP_ID, self::NONCE, self::TS, self::KEY);
                self::fail('accepted an empty appId');
            } catch (VoipSignException $e) {
                self::assertSame('INVALID_APP_ID', $e->getErrorName());
                self::assertStringContainsString('appId', $e->getMessage());
            }
            Signer::useLibrary((string) getenv('VOIPSIGN_LIB'));
            Signer::useLibrary(null);
        }
    }

    public function testLibraryLocation(): void
    {
        $path = (string) getenv('VOIPSIGN_LIB');
        self::assertSame($path, Signer::library());
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', Signer::version());
        self::assertFileExists(Library::headerPath());
        self::assertStringNotContainsString('#', Library::declarations());

        Signer::useLibrary($path);
        self::assertSame($path, Signer::library());
        self::assertSame(self::SIGNATURE, Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY));

        try {
            Signer::useLibrary('/nonexistent/libvoipsign.so');
            self::fail('loaded a library that does not exist');
        } catch (LibraryException $e) {
            self::assertStringContainsString('/nonexistent/libvoipsign.so', $e->getMessage());
        } finally {
            Signer::useLibrary(null);
        }
        self::assertSame(self::SIGNATURE, Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY));
        self::assertSame($path, Signer::library());
    }

    public function testTheEnvironmentVariableAndTheDefaultName(): void
    {
        $path = (string) getenv('VOIPSIGN_LIB');
        try {
            putenv('VOIPSIGN_LIB=/nonexistent/dir/libvoipsign.so');
            Signer::useLibrary(null);
            try {
                Signer::version();
                self::fail('ignored VOIPSIGN_LIB');
            } catch (LibraryException $e) {
                self::assertStringContainsString('/nonexistent/dir/libvoipsign.so', $e->getMessage());
                self::assertStringContainsString('VOIPSIGN_LIB', $e->getMessage());
            }
            putenv('VOIPSIGN_LIB');
            Signer::useLibrary(null);
            try {
                // Found only if libvoipsign.so is installed where ld.so looks.
                self::assertSame(Library::DEFAULT_NAME, Signer::library());
            } catch (LibraryException $e) {
                self::assertStringContainsString("'libvoipsign.so'", $e->getMessage());
            }
        } finally {
            putenv("VOIPSIGN_LIB=$path");
            Signer::useLibrary(null);
        }
        self::assertSame($path, Signer::library());
    }
}
