<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\ErrorCode;
use VoipSign\InputError;
use VoipSign\OnUnavailable;
use VoipSign\OutageError;
use VoipSign\RedisOptions;
use VoipSign\Rules;
use VoipSign\Ledger;
use VoipSign\Usage;
use VoipSign\VoipSignException;

/**
 * Ledger::redis() against real servers: tests/redis/servers.sh exports their URLs
 * (`make test` starts them). A test whose variable is missing is skipped, unless
 * VOIPSIGN_REDIS_REQUIRED=1, where it fails. The shared servers are never flushed:
 * every ledger gets a key prefix of its own.
 *
 * The scenario table (RoomsTable) on one server and on a 3-master cluster; options
 * and the order of the checks; passwords never in a message or a stack trace; the
 * race: 32 PHP processes (PHP has no threads; as 32 FPM workers) admit 64 members
 * (2 each) into one room at once, 100 rounds with everyone leaving between; a
 * private redis-server killed (degraded or LEDGER_UNAVAILABLE within 2 x the
 * timeout) and restarted (the same Ledger works again).
 */
final class RedisTest extends TestCase
{
    use RoomsTable;

    private const APP_ID = 'wx20afc706a711eefc';
    private const RACE_PROCESSES = 32;
    private const RACE_MEMBERS = 2;
    private const RACE_ROUNDS = 100;

    private static int $counter = 0;

    /** The URL in the environment variable $name; skips (fails under VOIPSIGN_REDIS_REQUIRED=1) without it. */
    private static function url(string $name): string
    {
        $url = getenv($name);
        if (\is_string($url) && $url !== '') {
            return $url;
        }
        if (getenv('VOIPSIGN_REDIS_REQUIRED') === '1') {
            self::fail("$name is not set: run `eval \"\$(tests/redis/servers.sh start)\"` first");
        }
        self::markTestSkipped("$name is not set (tests/redis/servers.sh start)");
    }

    /** A key prefix no other test or run uses. */
    private static function prefix(string $what): string
    {
        $what = substr((string) preg_replace('/[^A-Za-z0-9]/', '', $what), 0, 16);
        return sprintf('vstest-php-%s-%d-%d-%d', $what, getmypid(), ++self::$counter, hrtime(true) % 1_000_000_000_000);
    }

    /**
     * @dataProvider scenarios
     * @param array<string, mixed> $scenario
     */
    public function testScenarioOnAServer(array $scenario): void
    {
        $url = self::url('VOIPSIGN_REDIS_URL');
        self::runScenario($scenario, static fn (array $rules): Ledger => Ledger::redis($url, ...$rules, keyPrefix: self::prefix($scenario['name'])));
    }

    /**
     * @dataProvider scenarios
     * @param array<string, mixed> $scenario
     */
    public function testScenarioOnACluster(array $scenario): void
    {
        $url = self::url('VOIPSIGN_REDIS_CLUSTER_URL');
        self::runScenario($scenario, static fn (array $rules): Ledger => Ledger::redis($url, ...$rules, keyPrefix: self::prefix($scenario['name'])));
    }

    /**
     * Through Sentinel, each write acknowledged by both replicas (patient: WAIT
     * gets half the command timeout): the same answers.
     *
     * @dataProvider scenarios
     * @param array<string, mixed> $scenario
     */
    public function testScenarioThroughSentinelWithReplicaAcks(array $scenario): void
    {
        $url = self::url('VOIPSIGN_REDIS_SENTINEL_URL');
        self::runScenario($scenario, static fn (array $rules): Ledger => Ledger::redis(
            $url,
            ...$rules,
            keyPrefix: self::prefix($scenario['name']),
            minReplicaAcks: 2,
            commandTimeoutMs: 5000,
        ));
    }

    /** @return array<string, array{string, array<string, mixed>, ?string}> url, named arguments, the error (null: accepted) */
    public static function creations(): array
    {
        $dead = 'redis://127.0.0.1:1'; // nothing listens: creating connects nothing
        return [
            'defaults' => [$dead, [], null],
            'a cluster' => ['redis+cluster://127.0.0.1:1,127.0.0.1:2', [], null],
            'TLS, a password, a database' => ['rediss://:pw@cache.example:6380/2', [], null],
            'every option' => [$dead, ['connectTimeoutMs' => 1, 'commandTimeoutMs' => 60000, 'keyPrefix' => 'staging'], null],
            "keyPrefix null: the default" => [$dead, ['keyPrefix' => null], null],
            'Rules and RedisOptions objects' => [$dead, [new Rules(capacity: 4, onUnavailable: OnUnavailable::REFUSE), new RedisOptions(keyPrefix: 'x')], null],
            "keyPrefix '' (the library's call)" => [$dead, ['keyPrefix' => ''], 'INVALID_RULES'],
            'an unknown option' => [$dead, ['keyPrefx' => 'x'], 'INVALID_RULES'],
            'a timeout as a string' => [$dead, ['commandTimeoutMs' => '100'], 'INVALID_RULES'],
            'a prefix not UTF-8' => [$dead, ['keyPrefix' => "a\xff"], 'INVALID_RULES'],
            'rules and options from arrays' => [$dead, ['capacity' => 4, 'onUnavailable' => 'refuse', 'keyPrefix' => 'x'], null],
            'an empty url' => ['', [], 'INVALID_REDIS_URL'],
            'no scheme' => ['127.0.0.1:6379', [], 'INVALID_REDIS_URL'],
            'http' => ['http://127.0.0.1', [], 'INVALID_REDIS_URL'],
            'two hosts' => ['redis://a:1,b:2', [], 'INVALID_REDIS_URL'],
            'a cluster database' => ['redis+cluster://a:1/3', [], 'INVALID_REDIS_URL'],
            'not UTF-8' => ["redis://h\xff", [], 'INVALID_UTF8'],
            'connect 0' => [$dead, ['connectTimeoutMs' => 0], 'INVALID_RULES'],
            'command 60001' => [$dead, ['commandTimeoutMs' => 60001], 'INVALID_RULES'],
            'a prefix with a brace' => [$dead, ['keyPrefix' => 'a{b}'], 'INVALID_RULES'],
            'a prefix of 65 bytes' => [$dead, ['keyPrefix' => str_repeat('x', 65)], 'INVALID_RULES'],
            'capacity 11' => [$dead, ['capacity' => 11], 'INVALID_RULES'],
            'the url first' => ['nope', ['capacity' => 11, 'keyPrefix' => '{'], 'INVALID_REDIS_URL'],
            'the url before onUnavailable' => ['nope', ['onUnavailable' => 'maybe'], 'INVALID_REDIS_URL'],
            'onUnavailable maybe' => [$dead, ['onUnavailable' => 'maybe', 'connectTimeoutMs' => 0], 'INVALID_RULES'],
        ];
    }

    /**
     * @dataProvider creations
     * @param array<string, mixed> $args
     */
    public function testCreation(string $url, array $args, ?string $error): void
    {
        if ($error === null) {
            self::assertInstanceOf(Ledger::class, Ledger::redis($url, ...$args));
            return;
        }
        try {
            Ledger::redis($url, ...$args);
            self::fail("accepted, want $error");
        } catch (VoipSignException $e) {
            self::assertSame($error, $e->getErrorName(), $e->getMessage());
            self::assertSame(ErrorCode::from($error)->number(), $e->getCode());
            self::assertInstanceOf(InputError::class, $e);
        }
    }

    public function testTheMessagesNameTheSetting(): void
    {
        $messages = [];
        foreach ([['onUnavailable' => 'maybe'], ['keyPrefix' => 'a}'], ['capacity' => 11, 'connectTimeoutMs' => -1], ['commandTimeoutMs' => 0], ['keyPrefx' => 'x']] as $args) {
            try {
                Ledger::redis('redis://127.0.0.1:1', ...$args);
            } catch (VoipSignException $e) {
                $messages[] = $e->getMessage();
            }
        }
        self::assertCount(5, $messages);
        self::assertStringStartsWith('onUnavailable', $messages[0]);
        self::assertStringStartsWith('keyPrefix', $messages[1]);
        self::assertStringStartsWith('capacity', $messages[2]); // rules before options
        self::assertStringStartsWith('commandTimeoutMs', $messages[3]);
        self::assertStringContainsString('keyPrefx', $messages[4]); // unknown, named as PHP spells options
        self::assertStringContainsString('keyPrefix', $messages[4]);
        // An explicit time beyond 2^52 ms is refused before any I/O.
        $this->expectException(VoipSignException::class);
        $this->expectExceptionCode(ErrorCode::INVALID_TIMESTAMP->number());
        $this->expectExceptionMessage('2^52 ms');
        Ledger::redis('redis://127.0.0.1:1')->admit(self::APP_ID, 'g', 'm', PHP_INT_MAX);
    }

    /**
     * The right password works; a wrong one, none, a dead port give LEDGER_UNAVAILABLE
     * (refuse) or a degraded admission (allow); malformed URLs INVALID_REDIS_URL. No
     * message, string form or stack trace of any exception shows the password
     * (phpunit.xml keeps arguments in traces: #[\SensitiveParameter] hides the URL).
     */
    public function testThePasswordNeverShows(): void
    {
        $url = self::url('VOIPSIGN_REDIS_PASSWORD_URL');
        $pw = (string) getenv('VOIPSIGN_REDIS_PASSWORD');
        self::assertGreaterThanOrEqual(6, \strlen($pw));
        self::assertStringContainsString($pw, $url);
        $prefix = self::prefix('pw');
        // Every text of an exception a log could hold: its message, its string form and
        // trace (arguments cut at 15 bytes), and the string arguments of its frames (as
        // an error tracker records them). No run of 6 bytes of the password may show.
        $hidden = static function (\Throwable $e, string $what) use ($pw): void {
            $texts = [$e->getMessage(), (string) $e, $e->getTraceAsString()];
            foreach ($e->getTrace() as $frame) {
                foreach ($frame['args'] ?? [] as $arg) {
                    if (\is_string($arg)) {
                        $texts[] = $arg;
                    }
                }
            }
            foreach ($texts as $text) {
                for ($i = 0; $i + 6 <= \strlen($pw); $i++) {
                    self::assertStringNotContainsString(substr($pw, $i, 6), $text, $what);
                }
                self::assertStringNotContainsString('not-the-password', $text, $what);
            }
        };

        $ledger = Ledger::redis($url, keyPrefix: $prefix);
        $a = $ledger->admit(self::APP_ID, 'g', 'm1');
        self::assertTrue($a->opened && !$a->degraded);
        self::assertStringNotContainsString($pw, print_r($ledger, true) . var_export((array) $ledger, true));

        $bad = [
            'a wrong password' => str_replace($pw, 'not-the-password-x1', $url),
            'no password' => str_replace(":$pw@", '', $url),
            'a dead port' => "redis://:$pw@127.0.0.1:1",
        ];
        foreach ($bad as $what => $badUrl) {
            $refuse = Ledger::redis($badUrl, onUnavailable: 'refuse', keyPrefix: $prefix);
            $allow = Ledger::redis($badUrl, keyPrefix: $prefix);
            $calls = [
                'admit (refuse)' => static fn () => $refuse->admit(self::APP_ID, 'g', 'm2'),
                'admitAndIssue (refuse)' => static fn () => $refuse->admitAndIssue(self::APP_ID, 'g', 'm2', 'gDyVgzwa0mFz9uUP7M6GQQ=='),
                'heartbeat (refuse)' => static fn () => $refuse->heartbeat(self::APP_ID, 'g', 'm1'),
                'leave' => static fn () => $allow->leave(self::APP_ID, 'g', 'm1'),
                'sync' => static fn () => $allow->sync(self::APP_ID, 'g', ['m1']),
                'room' => static fn () => $allow->room(self::APP_ID, 'g'),
                'usage' => static fn () => $allow->usage(self::APP_ID),
                'rooms' => static fn () => $allow->rooms(self::APP_ID),
            ];
            foreach ($calls as $op => $call) {
                try {
                    $call();
                    self::fail("$what: $op succeeded");
                } catch (VoipSignException $e) {
                    self::assertSame('LEDGER_UNAVAILABLE', $e->getErrorName(), "$what: $op: {$e->getMessage()}");
                    self::assertInstanceOf(OutageError::class, $e);
                    self::assertNotInstanceOf(\InvalidArgumentException::class, $e);
                    $hidden($e, "$what: $op");
                }
            }
            $a = $allow->admit(self::APP_ID, 'g', 'm2');
            self::assertTrue($a->degraded && !$a->opened && $a->members === 0, "$what: admit (allow)");
            self::assertGreaterThan((int) (microtime(true) * 1000), $allow->heartbeat(self::APP_ID, 'g', 'm1'), "$what: heartbeat (allow)");
        }
        foreach (['redis://:%s@127.0.0.1:notaport', 'http://:%s@127.0.0.1', 'redis://:%s@h1:1,h2:2', 'redis+cluster://:%s@h1:1/3', 'redis://:%s@'] as $form) {
            try {
                Ledger::redis(sprintf($form, $pw));
                self::fail("$form accepted");
            } catch (VoipSignException $e) {
                self::assertSame('INVALID_REDIS_URL', $e->getErrorName(), $form);
                self::assertSame(ErrorCode::INVALID_REDIS_URL->number(), $e->getCode());
                $hidden($e, $form);
            }
        }
    }

    /**
     * 32 processes (as 32 FPM workers, one Ledger each) admit 64 members, 2 each, into
     * one room at once, 100 rounds: this process says "go" to all, each admits its 2
     * members and answers how many it seated and opened; when all have answered,
     * "leave". Every round: exactly 10 seated, exactly 1 opening; at the end every
     * counter of usage() is the sum of what the workers were told (openings, seats,
     * refusals as full, leaves, the peak; nothing live).
     */
    public function testRace(): void
    {
        $url = self::url('VOIPSIGN_REDIS_URL');
        $prefix = self::prefix('race');
        $env = ['VOIPSIGN_RACE_URL' => $url, 'VOIPSIGN_RACE_PREFIX' => $prefix] + getenv();
        $workers = [];
        $t0 = hrtime(true);
        try {
            for ($w = 0; $w < self::RACE_PROCESSES; $w++) {
                $proc = proc_open(
                    [PHP_BINARY, __DIR__ . '/fixtures/redis_race_worker.php', (string) $w, (string) self::RACE_MEMBERS],
                    [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR],
                    $pipes,
                    null,
                    $env
                );
                self::assertIsResource($proc);
                $workers[] = [$proc, $pipes];
            }
            $reply = static function (array $pipes, string $word): array {
                $line = fgets($pipes[1]);
                self::assertIsString($line, 'a worker ended early');
                $f = explode(' ', trim($line));
                self::assertSame($word, $f[0], trim($line));
                return array_map('intval', \array_slice($f, 1));
            };
            $send = static function (string $command) use ($workers): void {
                foreach ($workers as [, $pipes]) {
                    fwrite($pipes[0], "$command\n");
                }
            };
            foreach ($workers as [, $pipes]) {
                $reply($pipes, 'ready');
            }
            $started = hrtime(true);
            for ($r = 0; $r < self::RACE_ROUNDS; $r++) {
                $send('go');
                [$seated, $opened] = [0, 0];
                foreach ($workers as [, $pipes]) {
                    [$s, $o] = $reply($pipes, 'admitted');
                    $seated += $s;
                    $opened += $o;
                }
                self::assertSame([10, 1], [$seated, $opened], "round $r: seated, openings");
                $send('leave');
                foreach ($workers as [, $pipes]) {
                    $reply($pipes, 'left');
                }
            }
            $send('done');
        } finally {
            foreach ($workers as [$proc, $pipes]) {
                fclose($pipes[0]);
                fclose($pipes[1]);
                proc_close($proc);
            }
        }
        $ledger = Ledger::redis($url, keyPrefix: $prefix);
        $u = $ledger->usage(self::APP_ID);
        $rounds = self::RACE_ROUNDS;
        $refused = self::RACE_PROCESSES * self::RACE_MEMBERS - 10;
        self::assertEquals(
            new Usage($u->day, $rounds, 10 * $rounds, 0, $refused * $rounds, 0, 0, 0, 10 * $rounds, 0, 0, 0, 10, 0, 0, 100000),
            $u,
            'the counters are the sum of what the workers were told'
        );
        self::assertSame([], $ledger->rooms(self::APP_ID)->rooms);
        self::assertFalse($ledger->room(self::APP_ID, 'race-room')->live);
        fwrite(STDERR, sprintf(
            "\n[RedisTest] race: %d processes x %d members, %d rounds: %.2f s (%.2f s with the processes' start)\n",
            self::RACE_PROCESSES,
            self::RACE_MEMBERS,
            self::RACE_ROUNDS,
            (hrtime(true) - $started) / 1e9,
            (hrtime(true) - $t0) / 1e9
        ));
    }

    /**
     * A private redis-server killed: every call answers within 2 x the timeout,
     * degraded (allow) or LEDGER_UNAVAILABLE (refuse); restarted on the same port: the
     * same Ledger objects work again.
     */
    public function testAKilledServerThenRestarted(): void
    {
        self::url('VOIPSIGN_REDIS_URL'); // redis-server is installed
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        self::assertIsResource($probe);
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $server = self::startServer($port);
        try {
            $url = "redis://127.0.0.1:$port";
            $allow = Ledger::redis($url, connectTimeoutMs: 250, commandTimeoutMs: 250);
            $refuse = Ledger::redis($url, onUnavailable: 'refuse', connectTimeoutMs: 250, commandTimeoutMs: 250);
            self::assertTrue($allow->admit(self::APP_ID, 'g', 'm1')->opened);
            self::assertCount(1, $refuse->room(self::APP_ID, 'g')->members);

            proc_terminate($server, 9);
            proc_close($server);
            $server = null;
            $worst = 0.0;
            $timed = static function (\Closure $call) use (&$worst) {
                $t = hrtime(true);
                try {
                    return $call();
                } catch (VoipSignException $e) {
                    return $e;
                } finally {
                    $worst = max($worst, (hrtime(true) - $t) / 1e6);
                }
            };
            for ($i = 0; $i < 3; $i++) {
                $a = $timed(static fn () => $allow->admit(self::APP_ID, 'g', 'm2'));
                self::assertTrue($a->degraded && !$a->opened && $a->members === 0 && $a->generation === 0);
                $e = $timed(static fn () => $refuse->admit(self::APP_ID, 'g', 'm2'));
                self::assertInstanceOf(VoipSignException::class, $e);
                self::assertSame('LEDGER_UNAVAILABLE', $e->getErrorName());
                self::assertStringContainsString('127.0.0.1', $e->getMessage());
                self::assertIsInt($timed(static fn () => $allow->heartbeat(self::APP_ID, 'g', 'm1')));
                foreach ([
                    static fn () => $refuse->heartbeat(self::APP_ID, 'g', 'm1'),
                    static fn () => $allow->leave(self::APP_ID, 'g', 'm1'),
                    static fn () => $allow->sync(self::APP_ID, 'g', ['m1']),
                    static fn () => $allow->room(self::APP_ID, 'g'),
                    static fn () => $allow->usage(self::APP_ID),
                    static fn () => $allow->rooms(self::APP_ID),
                ] as $k => $call) {
                    $e = $timed($call);
                    self::assertInstanceOf(VoipSignException::class, $e, "call $k");
                    self::assertSame('LEDGER_UNAVAILABLE', $e->getErrorName(), "call $k");
                }
            }
            self::assertLessThan(2 * 250, $worst, 'the slowest call (ms)');

            $server = self::startServer($port);
            $a = $allow->admit(self::APP_ID, 'g', 'm3');
            self::assertTrue(!$a->degraded && $a->opened && $a->generation === 1, json_encode($a));
            self::assertCount(1, $refuse->room(self::APP_ID, 'g')->members);
        } finally {
            if ($server !== null) {
                proc_terminate($server, 9);
                proc_close($server);
            }
        }
    }

    /** @return resource redis-server on $port, answering */
    private static function startServer(int $port)
    {
        $proc = proc_open(
            ['redis-server', '--port', (string) $port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes
        );
        self::assertIsResource($proc);
        for ($i = 0; $i < 250; $i++) {
            $s = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 0.2);
            if ($s !== false) {
                stream_set_timeout($s, 0, 200_000);
                fwrite($s, "PING\r\n");
                $pong = fgets($s);
                fclose($s);
                if (\is_string($pong) && str_starts_with($pong, '+PONG')) {
                    return $proc;
                }
            }
            usleep(20_000);
        }
        proc_terminate($proc, 9);
        proc_close($proc);
        self::fail("the private redis-server on port $port did not start");
    }
}
