<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\ErrorCode;
use VoipSign\Signer;
use VoipSign\VoipSignException;

/** Every vector of tests/vectors/signatures.json, byte for byte. */
final class VectorsTest extends TestCase
{
    public function testTheVectorFileHasEverySection(): void
    {
        $all = Vectors::all();
        self::assertNotEmpty($all['cases']);
        self::assertNotEmpty($all['invalid']);
        self::assertNotEmpty($all['session_signatures']);
        self::assertSame('doc-example', $all['cases'][0]['name']);
    }

    /**
     * @dataProvider cases
     * @param array<string, mixed> $c
     */
    public function testCase(array $c): void
    {
        self::assertSame($c['canonical'], Signer::canonical($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp']));
        $signature = Signer::sign($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey']);
        self::assertSame($c['signature'], $signature);
        self::assertTrue(Signer::verify($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey'], $c['signature']));
        $wrong = ($c['signature'][0] === '0' ? '1' : '0') . substr($c['signature'], 1);
        self::assertFalse(Signer::verify($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey'], $wrong));
        self::assertFalse(Signer::verify($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey'], strtoupper($c['signature'])));
        self::assertSame(
            [$c['signature']],
            Signer::signMany($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], [$c['sessionKey']])
        );
    }

    public function testEveryOpHasInvalidCases(): void
    {
        $ops = array_count_values(array_map([Vectors::class, 'op'], Vectors::all()['invalid']));
        foreach (Vectors::OPS as $op) {
            self::assertArrayHasKey($op, $ops, "no invalid vector for op '$op'");
        }
        self::assertSame([], array_diff(array_keys($ops), Vectors::OPS), 'an op this suite does not know');
    }

    /**
     * Every invalid case through the method its op names: the code name and value,
     * the message prefix where the case gives one, and no session_key in the message.
     *
     * @dataProvider invalid
     * @param array<string, mixed> $c
     */
    public function testInvalid(array $c): void
    {
        self::assertRefused(Vectors::op($c), static fn () => Vectors::call($c), $c);
        if (!isset($c['op'])) {
            self::assertSignCaseElsewhere($c);
        }
    }

    /**
     * The inputs of a sign case through the other methods that take them, where the
     * contract's order gives the same first bad input: the verdict does not depend on
     * the method.
     *
     * @param array<string, mixed> $c
     */
    private static function assertSignCaseElsewhere(array $c): void
    {
        [$a, $g, $n, $t, $k] = [$c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey']];
        $good = 'gDyVgzwa0mFz9uUP7M6GQQ==';
        $calls = [
            'verify' => static fn () => Signer::verify($a, $g, $n, $t, $k, str_repeat('0', 64)),
            'signMany' => static fn () => Signer::signMany($a, $g, $n, $t, [$good, $k]),
        ];
        if ($c['error'] === 'INVALID_SESSION_KEY') {
            $calls['sessionSignature'] = static fn () => Signer::sessionSignature($k);
            $calls['issue'] = static fn () => Signer::issue('wx20afc706a711eefc', '1559129713_672975982', $k);
        } else {
            $calls['canonical'] = static fn () => Signer::canonical($a, $g, $n, $t);
            $calls['signMany, no keys'] = static fn () => Signer::signMany($a, $g, $n, $t, []);
        }
        foreach ($calls as $name => $call) {
            $expect = $name === 'signMany' && $c['error'] === 'INVALID_SESSION_KEY'
                ? $c + ['messagePrefix' => 'sessionKeys[1]: ']
                : array_diff_key($c, ['messagePrefix' => true]);
            self::assertRefused($name, $call, $expect);
        }
    }

    /**
     * $call throws the VoipSignException the case names.
     *
     * @param array<string, mixed> $c
     */
    private static function assertRefused(string $name, callable $call, array $c): void
    {
        try {
            $result = $call();
            self::fail("$name accepted {$c['name']}: " . var_export($result, true));
        } catch (VoipSignException $e) {
            self::assertSame($c['error'], $e->getErrorName(), "$name: {$e->getMessage()}");
            self::assertSame(ErrorCode::from($c['error'])->number(), $e->getCode());
            self::assertNotSame('', $e->getMessage());
            if (isset($c['messagePrefix'])) {
                self::assertStringStartsWith($c['messagePrefix'], $e->getMessage(), $name);
            }
            foreach (Vectors::keys($c) as $key) {
                $key = rtrim($key);
                if (\strlen($key) >= 4) {
                    self::assertStringNotContainsString($key, $e->getMessage(), "$name: the message leaks a session_key");
                }
            }
        }
    }

    /**
     * @dataProvider sessionSignatures
     * @param array<string, mixed> $c
     */
    public function testSessionSignature(array $c): void
    {
        self::assertSame($c['signature'], Signer::sessionSignature($c['sessionKey'], $c['body']));
        if ($c['body'] === '') {
            self::assertSame($c['signature'], Signer::sessionSignature($c['sessionKey']));
        }
    }

    /** @return array<string, array{0: array<string, mixed>}> */
    public static function cases(): array
    {
        return Vectors::section('cases');
    }

    /** @return array<string, array{0: array<string, mixed>}> */
    public static function invalid(): array
    {
        return Vectors::section('invalid');
    }

    /** @return array<string, array{0: array<string, mixed>}> */
    public static function sessionSignatures(): array
    {
        return Vectors::section('session_signatures');
    }
}
