<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\Signer;

/**
 * A wrong PHP type is PHP's own TypeError (this file declares strict_types=1, as
 * the calling file decides), raised as the argument is read, before the library is
 * called: so it wins over a bad value in any other argument, before or after it.
 * Which bad value is reported is the library's decision (VectorsTest).
 */
final class TypesTest extends TestCase
{
    private const APP_ID = 'wx20afc706a711eefc';
    private const GROUP_ID = '1559129713_672975982';
    private const NONCE = '8AP6DT9ybtniUJfb';
    private const TS = 1559129714;
    private const KEY = 'gDyVgzwa0mFz9uUP7M6GQQ==';

    /** @return array<string, array{\Closure(): mixed, string}> a call with a wrong type, and the argument's name in the error */
    public static function wrongTypes(): array
    {
        return [
            'float timeStamp' => [static fn () => Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, 1559129714.0, self::KEY), 'timeStamp'],
            'string timeStamp, bad appId before it' => [static fn () => Signer::sign('', self::GROUP_ID, self::NONCE, '1559129714', self::KEY), 'timeStamp'],
            'bool timeStamp' => [static fn () => Signer::canonical(self::APP_ID, self::GROUP_ID, self::NONCE, true), 'timeStamp'],
            'int groupId, bad nonce after it' => [static fn () => Signer::sign(self::APP_ID, 99, '', self::TS, self::KEY), 'groupId'],
            'null sessionKey, bad appId before it' => [static fn () => Signer::verify('', self::GROUP_ID, self::NONCE, self::TS, null, ''), 'sessionKey'],
            'int signature' => [static fn () => Signer::verify(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, 0), 'signature'],
            'null roomType' => [static fn () => Signer::issue(self::APP_ID, self::GROUP_ID, self::KEY, null), 'roomType'],
            'int element of sessionKeys, bad appId before it' => [static fn () => Signer::signMany('', self::GROUP_ID, self::NONCE, self::TS, ['x', 42]), 'Argument #5'],
            'null element of otherSessionKeys, bad appId before it' => [
                static fn () => Signer::diagnose('', self::GROUP_ID, self::NONCE, self::TS, self::KEY, '', [null]),
                'Argument #7',
            ],
            'int body' => [static fn () => Signer::sessionSignature('x', 42), 'body'],
        ];
    }

    /**
     * @dataProvider wrongTypes
     * @param \Closure(): mixed $call
     */
    public function testAWrongTypeIsATypeErrorBeforeTheLibrary(\Closure $call, string $argument): void
    {
        try {
            $call();
            self::fail('accepted a wrong type');
        } catch (\TypeError $e) {
            self::assertStringContainsString($argument, $e->getMessage());
            self::assertStringNotContainsString(self::KEY, $e->getMessage());
        }
    }
}
