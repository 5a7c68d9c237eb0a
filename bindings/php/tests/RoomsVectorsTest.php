<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\Ledger;

/**
 * Every scenario and step of tests/vectors/rooms.json (RoomsTable): a fresh ledger per
 * scenario, made with the scenario's rules as named arguments (Ledger::memory(...$rules)),
 * each step's result compared field by field, or its error code.
 */
final class RoomsVectorsTest extends TestCase
{
    use RoomsTable;

    public function testTheDefaultsAreLedgerMemorysDefaults(): void
    {
        $defaults = self::all()['defaults'];
        $ledger = Ledger::memory(...$defaults);
        $plain = Ledger::memory();
        // The same rules give the same answers: the opening's lease and the limit.
        $a = $ledger->admit('wx20afc706a711eefc', 'room', 'alice', 1717214400000);
        $b = $plain->admit('wx20afc706a711eefc', 'room', 'alice', 1717214400000);
        self::assertEquals($a, $b);
        self::assertSame(1717214400000 + $defaults['reserveTtlMs'], $a->leaseExpiresAt);
        self::assertGreaterThanOrEqual(40, \count(self::all()['scenarios']));
    }

    /**
     * @dataProvider scenarios
     * @param array<string, mixed> $scenario
     */
    public function testScenario(array $scenario): void
    {
        self::runScenario($scenario, static fn (array $rules): Ledger => Ledger::memory(...$rules));
    }
}
