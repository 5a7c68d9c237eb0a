<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\Ledger;
use VoipSign\Signer;
use VoipSign\VoipSignException;

/**
 * A long-running worker must not grow: 10^6 calls with flat memory. The timing is
 * written to stderr (a few seconds at most).
 */
final class MemoryTest extends TestCase
{
    private const APP_ID = 'wx20afc706a711eefc';
    private const GROUP_ID = '1559129713_672975982';
    private const NONCE = '8AP6DT9ybtniUJfb';
    private const TS = 1559129714;
    private const KEY = 'gDyVgzwa0mFz9uUP7M6GQQ==';
    private const SIGNATURE = 'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617';

    public function testAMillionSignCallsInFlatMemory(): void
    {
        $n = 1_000_000;
        $last = Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY); // warm up
        gc_collect_cycles();
        $before = memory_get_usage();
        $t0 = hrtime(true);
        for ($i = 0; $i < $n; $i++) {
            $last = Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY);
        }
        $seconds = (hrtime(true) - $t0) / 1e9;
        $after = memory_get_usage();
        self::assertSame(self::SIGNATURE, $last);
        fwrite(STDERR, sprintf(
            "\n[MemoryTest] 10^6 Signer::sign: %.2f s (%.0f ns/call), memory %d -> %d bytes (%+d)\n",
            $seconds, $seconds * 1e9 / $n, $before, $after, $after - $before
        ));
        self::assertLessThanOrEqual(4096, $after - $before, 'memory grows with the number of calls');
        self::assertLessThan(30.0, $seconds, 'far slower than expected');
    }

    public function testErrorsAndOtherCallsInFlatMemory(): void
    {
        $run = static function (int $n): void {
            $keys = [self::KEY, 'hd6Ja/yM0kg/JbaZROpZFA==', 'KFwBJQ9lvU1gFhk1q40qlg=='];
            for ($i = 0; $i < $n; $i++) {
                try {
                    Signer::sign(self::APP_ID, self::GROUP_ID, '', self::TS, self::KEY);
                } catch (VoipSignException $e) {
                }
                Signer::verify(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, self::SIGNATURE);
                Signer::canonical(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS);
                Signer::signMany(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, $keys);
                Signer::sessionSignature(self::KEY, '{"foo":"bar"}');
                Signer::issue(self::APP_ID, self::GROUP_ID, self::KEY);
            }
            unset($e);
        };
        $run(100); // warm up
        gc_collect_cycles();
        $before = memory_get_usage();
        $t0 = hrtime(true);
        $run(50_000);
        $seconds = (hrtime(true) - $t0) / 1e9;
        gc_collect_cycles();
        $after = memory_get_usage();
        fwrite(STDERR, sprintf(
            "[MemoryTest] 5*10^4 x (failing sign, verify, canonical, signMany of 3, sessionSignature, issue): %.2f s, memory %+d bytes\n",
            $seconds, $after - $before
        ));
        self::assertLessThanOrEqual(4096, $after - $before);
    }

    /**
     * Ledgers created, used and destroyed in a loop: the native ledgers are freed
     * (the process's resident memory stays flat; the PHP heap too).
     */
    public function testCreatingAndDestroyingLedgersInFlatMemory(): void
    {
        $run = static function (int $n): void {
            for ($i = 0; $i < $n; $i++) {
                $ledger = Ledger::memory(capacity: 4);
                for ($r = 0; $r < 8; $r++) {
                    $ledger->admit(self::APP_ID, "room-$r", "member-$i", 1717214400000);
                }
                $ledger->sync(self::APP_ID, 'room-0', ['a', 'b', 'c'], 1717214400000);
                try {
                    $ledger->heartbeat(self::APP_ID, 'room-0', 'nobody', 1717214400000);
                } catch (VoipSignException $e) {
                }
                unset($ledger, $e);
            }
        };
        $run(2_000); // warm up
        gc_collect_cycles();
        $rss = self::rss();
        $before = memory_get_usage();
        $t0 = hrtime(true);
        $run(20_000);
        $seconds = (hrtime(true) - $t0) / 1e9;
        gc_collect_cycles();
        $grown = self::rss() - $rss;
        fwrite(STDERR, sprintf(
            "[MemoryTest] 2*10^4 ledgers (8 rooms, a sync, a failed heartbeat each) created and destroyed: %.2f s, RSS %+d KiB, PHP heap %+d bytes\n",
            $seconds, intdiv($grown, 1024), memory_get_usage() - $before
        ));
        self::assertLessThanOrEqual(4096, memory_get_usage() - $before);
        // A leaked ledger with 8 rooms holds kilobytes: 2*10^4 of them, tens of MiB.
        self::assertLessThan(4 << 20, $grown, 'resident memory grows with the number of ledgers');
    }

    /** The resident set size of this process, in bytes (Linux). */
    private static function rss(): int
    {
        $status = @file_get_contents('/proc/self/status');
        if ($status === false || !preg_match('/^VmRSS:\s+(\d+) kB/m', $status, $m)) {
            self::markTestSkipped('no /proc/self/status');
        }
        return (int) $m[1] * 1024;
    }
}
