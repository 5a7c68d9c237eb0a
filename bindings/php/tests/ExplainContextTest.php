<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\Cause;
use VoipSign\ExplainContext;
use VoipSign\InputError;
use VoipSign\InvalidContext;
use VoipSign\Signer;

/**
 * Signer::explain() with an ExplainContext: every case of tests/vectors/diagnose.json's
 * "explainWith" (the context built with named arguments from the table's camelCase
 * names) and "explainWithInvalid" (PHP's types refuse the wrong types; the library
 * refuses the rest with InvalidContext naming the field).
 */
final class ExplainContextTest extends TestCase
{
    /** @return array<string, mixed> */
    private static function data(): array
    {
        return json_decode(
            (string) file_get_contents(\dirname(__DIR__, 3) . '/tests/vectors/diagnose.json'),
            true,
            16,
            JSON_THROW_ON_ERROR
        );
    }

    /** @return array<string, array{0: array<string, mixed>}> */
    public static function withCases(): array
    {
        $rows = [];
        foreach (self::data()['explainWith'] as $i => $c) {
            $rows["$i: {$c['cause']}"] = [$c];
        }
        return $rows;
    }

    /** @return array<string, array{0: array<string, mixed>}> */
    public static function invalidCases(): array
    {
        $rows = [];
        foreach (self::data()['explainWithInvalid'] as $c) {
            $rows[$c['inMessage'] . ' ' . json_encode($c['context'])] = [$c];
        }
        return $rows;
    }

    /**
     * @dataProvider withCases
     * @param array<string, mixed> $c
     */
    public function testExplainWith(array $c): void
    {
        $context = new ExplainContext(...$c['context']);
        $x = Signer::explain($c['errCode'], $c['errMsg'], $context);
        self::assertSame(Cause::from($c['cause']), $x->cause);
        self::assertStringContainsString($c['inMeaning'] ?? '', $x->meaning);
    }

    /**
     * @dataProvider invalidCases
     * @param array<string, mixed> $c
     */
    public function testInvalidContext(array $c): void
    {
        try {
            $context = new ExplainContext(...$c['context']);
        } catch (\TypeError | \Error $e) {
            // A wrong type or an unknown name: PHP refuses it before the library.
            self::assertStringContainsString($c['inMessage'], $e->getMessage());
            return;
        }
        try {
            Signer::explain(-1, '', $context);
            self::fail('accepted ' . json_encode($c['context']));
        } catch (InvalidContext $e) {
            self::assertInstanceOf(InputError::class, $e);
            self::assertInstanceOf(\InvalidArgumentException::class, $e);
            self::assertSame('INVALID_CONTEXT', $e->getErrorName());
            self::assertStringContainsString($c['inMessage'], $e->getMessage());
        }
    }

    public function testNoContextIsThePlainExplanation(): void
    {
        $plain = Signer::explain(-1);
        self::assertEquals($plain, Signer::explain(-1, '', null));
        self::assertEquals($plain, Signer::explain(-1, '', new ExplainContext()));
        self::assertSame('{"groupId":"g","seated":false}', json_encode(new ExplainContext(groupId: 'g', seated: false)));
    }
}
