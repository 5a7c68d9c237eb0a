<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
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

    /**
     * @dataProvider invalid
     * @param array<string, mixed> $c
     */
    public function testInvalid(array $c): void
    {
        $calls = [
            'sign' => static fn () => Signer::sign($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey']),
            'verify' => static fn () => Signer::verify($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey'], str_repeat('0', 64)),
            'signMany' => static fn () => Signer::signMany($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], [$c['sessionKey']]),
        ];
        if ($c['error'] !== 'INVALID_SESSION_KEY') {
            $calls['canonical'] = static fn () => Signer::canonical($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp']);
        }
        foreach ($calls as $name => $call) {
            try {
                $call();
                self::fail("$name accepted {$c['name']}");
            } catch (VoipSignException $e) {
                self::assertSame($c['error'], $e->getErrorName(), "$name: {$e->getMessage()}");
                self::assertSame(\constant(VoipSignException::class . '::' . $c['error']), $e->getCode());
                self::assertNotSame('', $e->getMessage());
                $key = rtrim($c['sessionKey']);
                if (\strlen($key) >= 4) {
                    self::assertStringNotContainsString($key, $e->getMessage(), 'the message leaks the session_key');
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
