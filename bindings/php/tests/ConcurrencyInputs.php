<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use VoipSign\Signer;
use VoipSign\VoipSignException;

/**
 * The inputs of ProcessesTest and of its worker processes: every valid vector,
 * every invalid vector of sign (those without "op") and 1000 generated ones
 * (distinct session_keys, multi-byte groupIds).
 */
final class ConcurrencyInputs
{

    /** @var list<array{string, string, string, int, string}>|null */
    private static ?array $inputs = null;

    /** @return list<array{string, string, string, int, string}> appId, groupId, nonceStr, timeStamp, sessionKey */
    public static function all(): array
    {
        if (self::$inputs !== null) {
            return self::$inputs;
        }
        $inputs = [];
        $all = Vectors::all();
        $signInvalid = array_filter($all['invalid'], static fn (array $c): bool => !isset($c['op']));
        foreach (array_merge($all['cases'], $signInvalid) as $c) {
            $inputs[] = [$c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey']];
        }
        for ($i = 0; $i < 1000; $i++) {
            $inputs[] = [
                sprintf('wx%016x', $i * 104729),
                "房间-" . ($i % 97) . str_repeat('é', $i % 5),
                sprintf('n%07d', $i),
                1559129714 + $i,
                base64_encode(hash('md5', "key $i", true)),
            ];
        }
        return self::$inputs = $inputs;
    }

    /**
     * The stride of worker $worker's walk over $n inputs: the worker-th odd number
     * prime to $n (1, then the next ones), so that every walk reaches every input.
     */
    public static function stride(int $worker, int $n): int
    {
        $gcd = static function (int $a, int $b): int {
            while ($b !== 0) {
                [$a, $b] = [$b, $a % $b];
            }
            return $a;
        };
        for ($s = 1, $found = -1; ; $s += 2) {
            if ($gcd($s, $n) === 1 && ++$found === $worker) {
                return $s;
            }
        }
    }

    /** @param array{string, string, string, int, string} $in the signature, or "CODE: message" */
    public static function result(array $in): string
    {
        try {
            return Signer::sign(...$in);
        } catch (VoipSignException $e) {
            return $e->getErrorName() . ': ' . $e->getMessage();
        }
    }

    /** @param array<int, string> $results by input index */
    public static function digest(array $results): string
    {
        return hash('sha256', implode("\n", $results));
    }
}
