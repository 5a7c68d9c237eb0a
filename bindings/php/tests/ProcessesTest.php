<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;

/**
 * Concurrency as PHP deploys it (FPM workers are processes): 4 processes started
 * together, each making 10^5 Signer::sign calls over the same inputs (every valid
 * vector, every invalid sign vector and 1000 generated ones: ConcurrencyInputs),
 * give exactly the results of this single process, refusals and their messages
 * included. About 1 s on 2 cores.
 */
final class ProcessesTest extends TestCase
{
    private const PROCESSES = 4;
    private const CALLS = 100_000;

    public function testFourProcessesGiveTheSingleProcessResults(): void
    {
        $inputs = ConcurrencyInputs::all();
        $expected = array_map([ConcurrencyInputs::class, 'result'], $inputs);
        self::assertGreaterThanOrEqual(1000, \count(array_unique($expected)));
        $want = ConcurrencyInputs::digest($expected);

        $procs = [];
        $t0 = hrtime(true);
        for ($w = 0; $w < self::PROCESSES; $w++) {
            $proc = proc_open(
                [PHP_BINARY, __DIR__ . '/fixtures/concurrency_worker.php', (string) $w, (string) self::CALLS],
                [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
                $pipes
            );
            self::assertIsResource($proc);
            $procs[] = [$proc, $pipes];
        }
        foreach ($procs as [, $pipes]) { // go
            fwrite($pipes[0], "go\n");
            fclose($pipes[0]);
        }
        $pids = [];
        foreach ($procs as $w => [$proc, $pipes]) {
            $out = (string) stream_get_contents($pipes[1]);
            $err = (string) stream_get_contents($pipes[2]);
            fclose($pipes[1]);
            fclose($pipes[2]);
            self::assertSame(0, proc_close($proc), "worker $w: $out $err");
            $report = json_decode($out, true, 4, JSON_THROW_ON_ERROR);
            self::assertSame($w, $report['worker']);
            self::assertSame(self::CALLS, $report['calls']);
            self::assertSame(\count($inputs), $report['inputs'], "worker $w saw every input");
            self::assertSame(0, $report['mismatches'], "worker $w: an input gave two results");
            self::assertSame($want, $report['digest'], "worker $w differs from the single process");
            $pids[] = $report['pid'];
        }
        self::assertCount(self::PROCESSES, array_unique($pids));
        fwrite(STDERR, sprintf(
            "\n[ProcessesTest] %d processes x %d signatures: %.2f s\n",
            self::PROCESSES,
            self::CALLS,
            (hrtime(true) - $t0) / 1e9
        ));
    }
}
