<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\Cause;
use VoipSign\Diagnosis;
use VoipSign\Explanation;
use VoipSign\InvalidSessionKey;
use VoipSign\Mistake;
use VoipSign\Signer;
use VoipSign\Verdict;
use VoipSign\VoipSignException;

/** diagnose() and explain() against tests/vectors/diagnose.json. */
final class DiagnoseTest extends TestCase
{
    /** @var array<string, mixed>|null */
    private static ?array $data = null;

    /** @return array<string, mixed> */
    private static function data(): array
    {
        return self::$data ??= json_decode(
            (string) file_get_contents(\dirname(__DIR__, 3) . '/tests/vectors/diagnose.json'),
            true,
            16,
            JSON_THROW_ON_ERROR
        );
    }

    /** @return array<string, array{0: array<string, mixed>}> */
    public static function diagnoseCases(): array
    {
        $rows = [];
        foreach (self::data()['diagnose'] as $c) {
            $rows[$c['name']] = [$c];
        }
        return $rows;
    }

    /** @return array<string, array{0: array<string, mixed>}> */
    public static function explainCases(): array
    {
        $rows = [];
        foreach (self::data()['explain'] as $i => $c) {
            $rows["$i: {$c['errCode']} {$c['cause']}"] = [$c];
        }
        return $rows;
    }

    /**
     * @dataProvider diagnoseCases
     * @param array<string, mixed> $c
     */
    public function testDiagnose(array $c): void
    {
        $report = Signer::diagnose(
            $c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey'],
            $c['signature'], $c['otherSessionKeys']
        );
        self::assertInstanceOf(Diagnosis::class, $report);
        self::assertSame(['verdict', 'mistakes', 'message', 'expected', 'canonical'], array_keys($report->jsonSerialize()));
        self::assertSame(Verdict::from($c['verdict']), $report->verdict, $report->message);
        self::assertSame(array_map(static fn ($m) => Mistake::from($m), $c['mistakes']), $report->mistakes, $report->message);
        self::assertNotSame('', $report->message);
        // json_encode gives the library's object back (the enums as their names).
        $back = json_decode((string) json_encode($report), true);
        self::assertSame($c['verdict'], $back['verdict']);
        self::assertSame($c['mistakes'], $back['mistakes']);
        $text = json_encode($report, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        foreach (array_merge([$c['sessionKey']], $c['otherSessionKeys']) as $key) {
            self::assertStringNotContainsString($key, (string) $text, 'the report leaks a session_key');
        }
    }

    public function testDiagnoseCorrectSignatureNamesTheRemainingCauses(): void
    {
        $report = Signer::diagnose(
            'wx20afc706a711eefc', '1559129713_672975982', '8AP6DT9ybtniUJfb', 1559129714,
            'gDyVgzwa0mFz9uUP7M6GQQ==', 'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617'
        );
        self::assertSame(Verdict::CORRECT, $report->verdict);
        self::assertSame([], $report->mistakes);
        self::assertSame('b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617', $report->expected);
        self::assertSame('1559129713_67297598215591297148AP6DT9ybtniUJfbwx20afc706a711eefc', $report->canonical);
        self::assertStringContainsString('wx.login', $report->message);
        try {
            $report->message = 'changed'; // @phpstan-ignore-line
            self::fail('a Diagnosis is not readonly');
        } catch (\Error $e) {
            self::assertStringContainsString('readonly', $e->getMessage());
        }
    }

    public function testDiagnoseRefusesABadSessionKey(): void
    {
        try {
            Signer::diagnose('wx20afc706a711eefc', 'g', 'n', 1559129714, 'short', str_repeat('0', 64));
            self::fail('accepted a bad session_key');
        } catch (VoipSignException $e) {
            self::assertSame('INVALID_SESSION_KEY', $e->getErrorName());
            self::assertInstanceOf(InvalidSessionKey::class, $e);
            self::assertInstanceOf(\InvalidArgumentException::class, $e);
        }
        $this->expectException(\TypeError::class);
        Signer::diagnose('wx20afc706a711eefc', 'g', 'n', 1559129714, 'gDyVgzwa0mFz9uUP7M6GQQ==', str_repeat('0', 64), [1]);
    }

    /**
     * @dataProvider explainCases
     * @param array<string, mixed> $c
     */
    public function testExplain(array $c): void
    {
        $answer = Signer::explain($c['errCode'], $c['errMsg']);
        self::assertInstanceOf(Explanation::class, $answer);
        self::assertSame(['cause', 'meaning', 'action'], array_keys($answer->jsonSerialize()));
        self::assertSame(Cause::from($c['cause']), $answer->cause);
        self::assertNotSame('', $answer->meaning);
        self::assertNotSame('', $answer->action);
    }

    public function testExplainWithoutAMessage(): void
    {
        self::assertSame(Cause::ALREADY_IN_ROOM, Signer::explain(-1)->cause);
        self::assertSame(Cause::UNKNOWN, Signer::explain(12345)->cause);
    }
}
