<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
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
}
