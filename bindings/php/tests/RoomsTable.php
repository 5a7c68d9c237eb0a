<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use VoipSign\ErrorCode;
use VoipSign\JoinTicket;
use VoipSign\Ledger;
use VoipSign\Signer;
use VoipSign\VoipSignException;

/**
 * The scenario table tests/vectors/rooms.json, run step by step on any store: used by
 * RoomsVectorsTest (memory) and RedisTest (a Redis server, a Redis Cluster). A using
 * class extends PHPUnit's TestCase.
 */
trait RoomsTable
{
    /** @var array<string, mixed>|null */
    private static ?array $data = null;

    /** @return array<string, mixed> */
    private static function all(): array
    {
        $path = \dirname(__DIR__, 3) . '/tests/vectors/rooms.json';
        return self::$data ??= json_decode((string) file_get_contents($path), true, 16, JSON_THROW_ON_ERROR);
    }

    /** @return array<string, array{array<string, mixed>}> */
    public static function scenarios(): array
    {
        $rows = [];
        foreach (self::all()['scenarios'] as $scenario) {
            $rows[$scenario['name']] = [$scenario];
        }
        return $rows;
    }

    /**
     * Run one scenario on the ledger $make builds from its rules (named arguments).
     *
     * @param array<string, mixed>                   $scenario
     * @param \Closure(array<string, mixed>): Ledger $make
     */
    private static function runScenario(array $scenario, \Closure $make): void
    {
        if (isset($scenario['error'])) {
            self::assertSame([], $scenario['steps']);
            self::assertRefused($scenario['error'], static fn () => $make($scenario['rules']), '');
            return;
        }
        $ledger = $make($scenario['rules']);
        foreach ($scenario['steps'] as $i => $step) {
            $what = "step $i ({$step['op']})";
            $call = static fn () => self::step($ledger, $step);
            if (isset($step['error'])) {
                self::assertRefused($step['error'], $call, $step['sessionKey'] ?? '', $what);
            } else {
                $got = $call();
                if ($step['op'] === 'admit_and_issue') {
                    self::checkTicket($step, $got['ticket'], $what);
                    $got['ticket'] = array_intersect_key($got['ticket'], ['groupId' => 1, 'timeStamp' => 1, 'roomType' => 1]);
                }
                self::assertSame(self::sorted($step['expect']), self::sorted($got), $what);
            }
            // The appId's counters after the step, the whole record (absent: no check).
            if (\array_key_exists('usage', $step)) {
                $usage = $ledger->usage($step['appId'], null, $step['nowMs']);
                self::assertSame(self::sorted($step['usage']), self::sorted(self::json($usage)), "$what: usage after it");
            }
        }
    }

    /**
     * A record as the file's camelCase array.
     *
     * @return array<string, mixed>
     */
    private static function json(\JsonSerializable $v): array
    {
        return json_decode(json_encode($v, JSON_THROW_ON_ERROR), true, 8, JSON_THROW_ON_ERROR);
    }

    /**
     * Run one step; its result as the file's camelCase array.
     *
     * @param array<string, mixed> $s
     *
     * @return array<string, mixed>
     */
    private static function step(Ledger $ledger, array $s): array
    {
        $now = $s['nowMs'];
        $json = static fn (\JsonSerializable $v): array => self::json($v);
        return match ($s['op']) {
            'admit' => $json($ledger->admit($s['appId'], $s['groupId'], $s['memberId'], $now)),
            'admit_and_issue' => (static function () use ($ledger, $s, $now, $json): array {
                [$admission, $ticket] = $ledger->admitAndIssue(
                    $s['appId'], $s['groupId'], $s['memberId'], $s['sessionKey'], ...(isset($s['roomType']) ? [$s['roomType']] : []), nowMs: $now
                );
                self::assertInstanceOf(JoinTicket::class, $ticket);
                return ['admission' => $json($admission), 'ticket' => $json($ticket)];
            })(),
            'heartbeat' => ['leaseExpiresAt' => $ledger->heartbeat($s['appId'], $s['groupId'], $s['memberId'], $now)],
            'leave' => ['removed' => $ledger->leave($s['appId'], $s['groupId'], $s['memberId'], $now)],
            'sync' => $json($ledger->sync($s['appId'], $s['groupId'], $s['openIds'], $now)),
            'room' => $json($ledger->room($s['appId'], $s['groupId'], $now)),
            'usage' => $json($ledger->usage($s['appId'], $s['day'] ?? null, $now)),
            // limit absent: rooms()'s default (100); after absent: from the first room.
            'rooms' => $json($ledger->rooms($s['appId'], ...(\array_key_exists('limit', $s) ? [$s['limit']] : []), after: $s['after'] ?? null, nowMs: $now)),
            default => throw new \UnexpectedValueException("unknown op '{$s['op']}'"),
        };
    }

    /**
     * The ticket: nonceStr of 32 [A-Za-z0-9], and the signature is Signer::sign()'s
     * over the ticket's values (Signer::verify() agrees).
     *
     * @param array<string, mixed> $s
     * @param array<string, mixed> $ticket
     */
    private static function checkTicket(array $s, array $ticket, string $what): void
    {
        self::assertSame(['groupId', 'nonceStr', 'timeStamp', 'signature', 'roomType'], array_keys($ticket), $what);
        self::assertMatchesRegularExpression('/^[A-Za-z0-9]{32}$/', $ticket['nonceStr'], $what);
        $sig = Signer::sign($s['appId'], $ticket['groupId'], $ticket['nonceStr'], $ticket['timeStamp'], $s['sessionKey']);
        self::assertSame($sig, $ticket['signature'], $what);
        self::assertTrue(Signer::verify($s['appId'], $ticket['groupId'], $ticket['nonceStr'], $ticket['timeStamp'], $s['sessionKey'], $ticket['signature']), $what);
    }

    /**
     * @param array<string, mixed> $a
     *
     * @return array<string, mixed> $a with its keys sorted, recursively
     */
    private static function sorted(array $a): array
    {
        foreach ($a as $k => $v) {
            if (\is_array($v)) {
                $a[$k] = self::sorted($v);
            }
        }
        if (!array_is_list($a)) {
            ksort($a);
        }
        return $a;
    }

    /** The call throws VoipSignException $name (value and name agree), with no part of $key in its message. */
    private static function assertRefused(string $name, \Closure $call, string $key, string $what = ''): void
    {
        try {
            $call();
            self::fail("$what: no exception, want $name");
        } catch (VoipSignException $e) {
            self::assertSame($name, $e->getErrorName(), "$what: {$e->getMessage()}");
            self::assertSame(ErrorCode::from($name)->number(), $e->getCode(), $what);
            self::assertInstanceOf(ErrorCode::from($name)->exceptionClass(), $e, $what);
            self::assertNotSame('', $e->getMessage());
            if (\strlen($key) >= 8) {
                for ($i = 0; $i + 8 <= \strlen($key); $i++) {
                    self::assertStringNotContainsString(substr($key, $i, 8), $e->getMessage(), "$what: part of the key in the message");
                }
            }
        }
    }
}
