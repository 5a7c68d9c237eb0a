<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\ErrorCode;
use VoipSign\ErrorKind;
use VoipSign\Admission;
use VoipSign\InvalidRules;
use VoipSign\JoinTicket;
use VoipSign\Ledger;
use VoipSign\RefusalError;
use VoipSign\OnUnavailable;
use VoipSign\InputError;
use VoipSign\InvalidLimit;
use VoipSign\MemberDailyLimit;
use VoipSign\Room;
use VoipSign\RoomFull;
use VoipSign\RoomPage;
use VoipSign\RoomSummary;
use VoipSign\RoomType;
use VoipSign\Rules;
use VoipSign\Seat;
use VoipSign\Signer;
use VoipSign\Usage;
use VoipSign\VoipSignException;

/** Ledger's translation: rules, value objects, errors, the native handle. */
final class LedgerTest extends TestCase
{
    private const APP_ID = 'wx20afc706a711eefc';
    private const KEY = 'gDyVgzwa0mFz9uUP7M6GQQ==';
    private const NOW = 1717214400000;

    /** @return array<string, array{array<string, mixed>, string}> rules out of range, and the setting the message names */
    public static function badRules(): array
    {
        return [
            'capacity 0' => [['capacity' => 0], 'capacity is 0'],
            'capacity 11' => [['capacity' => 11], 'capacity is 11'],
            'limit 100001' => [['dailyRoomLimit' => 100001], 'dailyRoomLimit is 100001'],
            'warning above the limit' => [['dailyRoomLimit' => 5, 'dailyRoomWarning' => 6], 'dailyRoomWarning is 6; it must be 0-5'],
            'warning -1' => [['dailyRoomWarning' => -1], 'dailyRoomWarning is -1'],
            'reserve 999' => [['reserveTtlMs' => 999], 'reserveTtlMs is 999'],
            'reserve 1000.5' => [['reserveTtlMs' => 1000.5], 'reserveTtlMs is 1000.5'],
            'lease 3600001' => [['leaseTtlMs' => 3600001], 'leaseTtlMs'],
            'grace -1' => [['syncGraceMs' => -1], 'syncGraceMs'],
            'offset 841' => [['dayOffsetMinutes' => 841], 'dayOffsetMinutes'],
            'onUnavailable Refuse' => [['onUnavailable' => 'Refuse'], 'onUnavailable'],
            // The library's one order: capacity before onUnavailable, whatever the binding.
            'onUnavailable empty, capacity 0' => [['onUnavailable' => '', 'capacity' => 0], 'capacity is 0'],
            'capacity as a string' => [['capacity' => '4'], 'capacity must be a number'],
            'capacity true' => [['capacity' => true], 'capacity'],
            'an unknown name' => [['dailyRoomLimt' => 5], 'dailyRoomLimt'],
            'a near miss' => [['capacty' => 5], 'unknown option capacty'],
            'a positional argument' => [[4], 'unknown option 0'],
            'a Redis option on a memory ledger' => [['keyPrefix' => 'x'], 'keyPrefix'],
            'a Rules object' => [[new Rules(capacity: 11)], 'capacity is 11'],
            'capacity INF (no JSON form)' => [['capacity' => INF], 'not a number, a string or null'],
        ];
    }

    /**
     * @dataProvider badRules
     * @param array<string, mixed> $rules
     */
    public function testBadRulesAreInvalidRules(array $rules, string $message): void
    {
        try {
            Ledger::memory(...$rules);
            self::fail('accepted');
        } catch (VoipSignException $e) {
            self::assertSame('INVALID_RULES', $e->getErrorName());
            self::assertSame(ErrorCode::INVALID_RULES->number(), $e->getCode());
            self::assertStringContainsString($message, $e->getMessage());
            self::assertInstanceOf(InvalidRules::class, $e);
            self::assertInstanceOf(\InvalidArgumentException::class, $e);
            self::assertStringNotContainsString('_', $e->getMessage(), 'camelCase names');
        }
    }

    public function testRules(): void
    {
        // Zero is a real value where it is in range: days in UTC, no grace, warn always.
        $l = Ledger::memory(dayOffsetMinutes: 0, syncGraceMs: 0, dailyRoomWarning: 0, onUnavailable: OnUnavailable::REFUSE);
        self::assertSame(intdiv(self::NOW, 86_400_000), $l->usage(self::APP_ID, null, self::NOW)->day);
        $a = $l->admit(self::APP_ID, 'room', 'alice', self::NOW);
        self::assertTrue($a->quotaWarning);
        self::assertFalse($l->sync(self::APP_ID, 'room', [], self::NOW)->live); // 0 ms old, no grace
        // The defaults: Beijing days, 60 s reservations, 45 s leases.
        $l = Ledger::memory();
        self::assertSame(intdiv(self::NOW + 480 * 60_000, 86_400_000), $l->usage(self::APP_ID, null, self::NOW)->day);
        self::assertSame(self::NOW + 60_000, $l->admit(self::APP_ID, 'room', 'alice', self::NOW)->leaseExpiresAt);
        self::assertSame(self::NOW + 60_000, $l->heartbeat(self::APP_ID, 'room', 'alice', self::NOW)); // never shortened
        self::assertSame(self::NOW + 90_000, $l->heartbeat(self::APP_ID, 'room', 'alice', self::NOW + 45_000));
        // The same from a Rules object, and null is the default.
        $l = Ledger::memory(new Rules(dayOffsetMinutes: 0, capacity: null));
        self::assertSame(intdiv(self::NOW, 86_400_000), $l->usage(self::APP_ID, null, self::NOW)->day);
        $l = Ledger::memory(capacity: null, dailyRoomLimit: 3.0); // a whole float is a number
        self::assertSame(3, $l->usage(self::APP_ID, null, self::NOW)->dailyRoomLimit);
        // An unknown rule: refused by the library, naming it as PHP spells it.
        try {
            Ledger::memory(...['maxMembers' => 3]);
            self::fail('accepted maxMembers');
        } catch (InvalidRules $e) {
            self::assertStringContainsString('unknown option maxMembers', $e->getMessage());
            self::assertStringContainsString('dailyRoomLimit', $e->getMessage());
        }
    }

    public function testTheStoreClock(): void
    {
        $l = Ledger::memory();
        $before = (int) (microtime(true) * 1000);
        [$a, $ticket] = $l->admitAndIssue(self::APP_ID, 'room', 'alice', self::KEY, 'video');
        $after = (int) (microtime(true) * 1000);
        self::assertTrue($a->opened);
        self::assertGreaterThanOrEqual($before + 60_000 - 1, $a->leaseExpiresAt);
        self::assertLessThanOrEqual($after + 60_000 + 1, $a->leaseExpiresAt);
        self::assertInstanceOf(JoinTicket::class, $ticket);
        self::assertSame(RoomType::VIDEO, $ticket->roomType);
        self::assertTrue(Signer::verify(self::APP_ID, 'room', $ticket->nonceStr, $ticket->timeStamp, self::KEY, $ticket->signature));
        [, $again] = $l->admitAndIssue(self::APP_ID, 'room', 'alice', self::KEY, RoomType::VOICE);
        self::assertSame(RoomType::VOICE, $again->roomType);
        self::assertSame(1, $l->usage(self::APP_ID)->openings);
        self::assertSame(['alice'], array_map(static fn (Seat $s) => $s->memberId, $l->room(self::APP_ID, 'room')->members));
    }

    public function testInputErrors(): void
    {
        $l = Ledger::memory();
        foreach (['', 'bad id', str_repeat('m', 129), "caf\u{e9}", "del\x7f"] as $id) {
            $calls = [
                'admit' => static fn () => $l->admit(self::APP_ID, 'room', $id, self::NOW),
                'heartbeat' => static fn () => $l->heartbeat(self::APP_ID, 'room', $id, self::NOW),
                'leave' => static fn () => $l->leave(self::APP_ID, 'room', $id, self::NOW),
                'sync' => static fn () => $l->sync(self::APP_ID, 'room', ['alice', $id], self::NOW),
            ];
            foreach ($calls as $method => $call) {
                self::assertCode('INVALID_MEMBER_ID', $call, "$method(" . json_encode($id) . ')');
            }
        }
        self::assertCode('INVALID_UTF8', static fn () => $l->admit(self::APP_ID, 'room', "m\xff", self::NOW), 'UTF-8');
        self::assertCode('INVALID_APP_ID', static fn () => $l->admit('', '', 'bad id', self::NOW), 'precedence');
        // roomType '' is refused like any bad value, and takes no seat.
        self::assertCode('INVALID_ROOM_TYPE', static fn () => $l->admitAndIssue(self::APP_ID, 'room', 'alice', self::KEY, '', self::NOW), "roomType ''");
        self::assertCode('NOT_ADMITTED', static fn () => $l->heartbeat(self::APP_ID, 'room', 'alice', self::NOW), 'no seat');
        self::assertSame(0, $l->room(self::APP_ID, 'room', self::NOW)->generation);
        // A full room, then the daily limit.
        $l = Ledger::memory(capacity: 1, dailyRoomLimit: 1);
        $l->admit(self::APP_ID, 'room', 'alice', self::NOW);
        self::assertCode('ROOM_FULL', static fn () => $l->admit(self::APP_ID, 'room', 'bob', self::NOW), 'full');
        self::assertCode('DAILY_ROOM_LIMIT', static fn () => $l->admit(self::APP_ID, 'room-2', 'bob', self::NOW), 'limit');
        try {
            $l->admit(self::APP_ID, 'room', 'bob', self::NOW);
            self::fail('a full room admitted bob');
        } catch (\InvalidArgumentException $e) {
            self::fail('a full room is an InvalidArgumentException');
        } catch (RefusalError $e) {
            self::assertInstanceOf(RoomFull::class, $e);
            self::assertInstanceOf(\RuntimeException::class, $e);
        }
    }

    /**
     * rooms(): pages in groupId byte order chained through ->next (null after the last);
     * null $after is "from the first", '' a groupId (refused naming after); a limit
     * beyond the C ABI's uint32_t is InvalidLimit with the caller's number.
     */
    public function testRooms(): void
    {
        $l = Ledger::memory();
        foreach (['room-b', 'room-a', 'room-c', 'room-a'] as $i => $group) {
            $l->admit(self::APP_ID, $group, "m$i", self::NOW + $i * 1000);
        }
        $got = [];
        $after = null;
        $pages = 0;
        do {
            $page = $l->rooms(self::APP_ID, 2, $after, self::NOW + 30_000);
            self::assertLessThanOrEqual(2, \count($page->rooms));
            $got = [...$got, ...$page->rooms];
            $pages++;
        } while (($after = $page->next) !== null);
        self::assertSame(2, $pages);
        self::assertEquals([
            new RoomSummary('room-a', 2, 10, 1, self::NOW + 1000),
            new RoomSummary('room-b', 1, 10, 1, self::NOW),
            new RoomSummary('room-c', 1, 10, 1, self::NOW + 2000),
        ], $got);
        self::assertSame('room-b', $l->rooms(self::APP_ID, 1, 'room-a', self::NOW + 30_000)->next);
        self::assertSame([], $l->rooms(self::APP_ID, after: 'room-c', nowMs: self::NOW + 30_000)->rooms);
        self::assertSame([], $l->rooms(self::APP_ID, 1000)->rooms, "the store's clock: every 2024 reservation has expired");

        self::assertCode('INVALID_GROUP_ID', static fn () => $l->rooms(self::APP_ID, 100, '', self::NOW), "after ''");
        try {
            $l->rooms(self::APP_ID, after: '', nowMs: self::NOW);
        } catch (InputError $e) {
            self::assertStringContainsString('after', $e->getMessage());
        }
        foreach ([0, -1, 1001, 1 << 32, (1 << 32) + 5, PHP_INT_MAX, PHP_INT_MIN] as $limit) {
            try {
                $l->rooms(self::APP_ID, $limit, null, self::NOW);
                self::fail("limit $limit accepted");
            } catch (InvalidLimit $e) {
                self::assertInstanceOf(InputError::class, $e);
                self::assertInstanceOf(\InvalidArgumentException::class, $e);
                self::assertSame(ErrorCode::INVALID_LIMIT->number(), $e->getCode());
                self::assertSame('INVALID_LIMIT', $e->getErrorName());
                self::assertStringStartsWith("limit is $limit;", $e->getMessage());
            }
            self::assertCode('INVALID_LIMIT', static fn () => $l->rooms(self::APP_ID, $limit, null, self::NOW), "limit $limit");
        }
        // The order of the checks: appId, limit, after.
        self::assertCode('INVALID_APP_ID', static fn () => $l->rooms('', 0, '', self::NOW), 'appId first');
        self::assertCode('INVALID_LIMIT', static fn () => $l->rooms(self::APP_ID, -5, '', self::NOW), 'limit before after');
        self::assertCode('INVALID_GROUP_ID', static fn () => $l->rooms(self::APP_ID, 1, "x\x00", self::NOW), 'after with NUL');
        self::assertCode('INVALID_UTF8', static fn () => $l->rooms(self::APP_ID, 1, "x\xff", self::NOW), 'after not UTF-8');
    }

    /**
     * memberDailyOpenings: a member's next opening is MemberDailyLimit (a RefusalError,
     * not an \InvalidArgumentException), joining a live room passes, the next UTC+8 day
     * resets it; usage() counts every decision.
     */
    public function testMemberDailyLimitAndTheCounters(): void
    {
        $l = Ledger::memory(memberDailyOpenings: 1, capacity: 2);
        $t = static fn (int $i): int => self::NOW + $i * 1000;
        $l->admit(self::APP_ID, 'r1', 'alice', $t(0));
        self::assertCode('MEMBER_DAILY_LIMIT', static fn () => $l->admit(self::APP_ID, 'r2', 'alice', $t(1)), 'a second opening');
        try {
            $l->admitAndIssue(self::APP_ID, 'r2', 'alice', self::KEY, nowMs: $t(1));
            self::fail('a second opening admitted');
        } catch (\InvalidArgumentException $e) {
            self::fail('MEMBER_DAILY_LIMIT is an InvalidArgumentException');
        } catch (RefusalError $e) {
            self::assertInstanceOf(MemberDailyLimit::class, $e);
            self::assertInstanceOf(\RuntimeException::class, $e);
        }
        self::assertTrue($l->admit(self::APP_ID, 'r2', 'bob', $t(2))->opened);
        $join = $l->admit(self::APP_ID, 'r2', 'alice', $t(3));
        self::assertSame([false, 2], [$join->opened, $join->members], 'alice joins the live r2');
        self::assertCode('ROOM_FULL', static fn () => $l->admit(self::APP_ID, 'r2', 'carol', $t(4)), 'full');
        self::assertTrue($l->admit(self::APP_ID, 'r2', 'bob', $t(5))->renewed);
        self::assertCode('NOT_ADMITTED', static fn () => $l->heartbeat(self::APP_ID, 'r3', 'dave', $t(6)), 'no seat');
        self::assertTrue($l->leave(self::APP_ID, 'r1', 'alice', $t(7)));
        $l->sync(self::APP_ID, 'r4', ['erin'], $t(8));
        $u = $l->usage(self::APP_ID, null, $t(9));
        self::assertEquals(new Usage($u->day, 2, 3, 1, 1, 0, 2, 1, 1, 1, 0, 0, 3, 2, 3, 100000), $u);
        self::assertTrue($l->admit(self::APP_ID, 'r5', 'alice', self::NOW + 86_400_000)->opened, 'the next day');
    }

    public function testAWrongTypeIsATypeError(): void
    {
        $l = Ledger::memory();
        try {
            $l->sync('', 'room', ['alice', 42]);
            self::fail('accepted an int id');
        } catch (\TypeError $e) {
            self::assertStringContainsString('VoipSign\\Ledger::sync(): Argument #3 must contain only strings, int given at key 1', $e->getMessage());
        }
        $this->expectException(\TypeError::class);
        $l->admit(self::APP_ID, 'room', 'alice', 1.5); // @phpstan-ignore-line
    }

    public function testTheSessionKeyNeverAppearsInATrace(): void
    {
        ini_set('zend.exception_ignore_args', '0');
        $key = 'SECRETzwa0mFz9uUP7M6GQQ==='; // refused
        try {
            Ledger::memory()->admitAndIssue(self::APP_ID, 'room', 'alice', $key);
            self::fail('accepted a bad key');
        } catch (VoipSignException $e) {
            self::assertSame('INVALID_SESSION_KEY', $e->getErrorName());
            // The library's frames (with their arguments): printing PHPUnit's own
            // frames would print the whole test suite's object graph (gigabytes).
            $ours = array_filter(
                $e->getTrace(),
                static fn (array $f): bool => str_starts_with($f['class'] ?? '', 'VoipSign\\')
                    && !str_starts_with($f['class'] ?? '', 'VoipSign\\Tests\\'),
            );
            self::assertNotEmpty($ours);
            self::assertStringNotContainsString('SECRET', $e->getMessage() . $e->getTraceAsString() . print_r($ours, true));
        }
    }

    /** A room whose JSON outgrows sync()'s first buffer: the sync is applied once and the room read whole. */
    public function testSyncOfALargeRoom(): void
    {
        $l = Ledger::memory();
        $ids = [];
        for ($i = 0; $i < 40; $i++) {
            $ids[] = sprintf('%03d', $i) . str_repeat('"\\', 62) . 'x'; // 128 bytes, each '"' and '\' escaped in JSON
        }
        $room = $l->sync(self::APP_ID, 'room', $ids, self::NOW);
        self::assertTrue($room->live);
        self::assertSame(1, $room->generation);
        self::assertSame($ids, array_map(static fn (Seat $s) => $s->memberId, $room->members));
        self::assertSame(self::NOW + 45_000, $room->members[39]->expires);
        self::assertSame(0, $l->usage(self::APP_ID, null, self::NOW)->openings);
    }

    public function testValueObjects(): void
    {
        $l = Ledger::memory();
        $a = $l->admit(self::APP_ID, 'room', 'alice', self::NOW);
        self::assertInstanceOf(Admission::class, $a);
        self::assertSame(
            '{"opened":true,"renewed":false,"members":1,"generation":1,"roomsToday":1,"dailyRoomLimit":100000,"quotaWarning":false,"leaseExpiresAt":1717214460000,"degraded":false}',
            json_encode($a)
        );
        $room = $l->room(self::APP_ID, 'room', self::NOW);
        self::assertInstanceOf(Room::class, $room);
        self::assertSame('{"members":[{"memberId":"alice","since":1717214400000,"expires":1717214460000}],"generation":1,"live":true}', json_encode($room));
        $u = $l->usage(self::APP_ID, null, self::NOW);
        self::assertInstanceOf(Usage::class, $u);
        self::assertSame(
            '{"day":19875,"openings":1,"admissions":1,"renewals":0,"refusedRoomFull":0,"refusedDailyLimit":0,"refusedMemberLimit":0,'
            . '"heartbeatsRefused":0,"leaves":0,"adoptedBySync":0,"removedBySync":0,"expired":0,"peakSeats":1,"liveRooms":1,"liveSeats":1,'
            . '"dailyRoomLimit":100000}',
            json_encode($u)
        );
        $yesterday = $l->usage(self::APP_ID, $u->day - 1, self::NOW);
        self::assertSame([0, null, null], [$yesterday->openings, $yesterday->liveRooms, $yesterday->liveSeats]);
        $page = $l->rooms(self::APP_ID, nowMs: self::NOW);
        self::assertInstanceOf(RoomPage::class, $page);
        self::assertContainsOnlyInstancesOf(RoomSummary::class, $page->rooms);
        self::assertSame('{"rooms":[{"groupId":"room","seats":1,"capacity":10,"generation":1,"openedAt":1717214400000}],"next":null}', json_encode($page));
        self::assertSame('{"rooms":[],"next":null}', json_encode(Ledger::memory()->rooms(self::APP_ID)));
        $this->expectException(\Error::class);
        $a->members = 2; // @phpstan-ignore-line readonly
    }

    public function testALedgerCannotBeClonedOrSerialized(): void
    {
        $l = Ledger::memory();
        try {
            $copy = clone $l;
            self::fail('cloned');
        } catch (\Error $e) {
            self::assertStringContainsString('__clone', $e->getMessage());
        }
        try {
            serialize($l);
            self::fail('serialized');
        } catch (\LogicException $e) {
            self::assertStringContainsString('cannot be serialized', $e->getMessage());
        }
        $this->expectException(\LogicException::class);
        unserialize('O:15:"VoipSign\Ledger":0:{}');
    }

    private static function assertCode(string $name, \Closure $call, string $what): void
    {
        try {
            $call();
            self::fail("$what: no exception, want $name");
        } catch (VoipSignException $e) {
            self::assertSame($name, $e->getErrorName(), "$what: {$e->getMessage()}");
            self::assertSame(ErrorCode::from($name)->number(), $e->getCode(), $what);
            self::assertSame(ErrorCode::from($name), $e->getErrorCode(), $what);
            self::assertInstanceOf(ErrorCode::from($name)->exceptionClass(), $e, $what);
            self::assertInstanceOf($e->getKind()->exceptionClass(), $e, $what);
            // A refusal is not a bad argument: `catch (\InvalidArgumentException)` around input parsing does not swallow it.
            self::assertSame($e->getKind() === ErrorKind::INPUT, $e instanceof \InvalidArgumentException, $what);
            self::assertStringNotContainsString(self::KEY, $e->getMessage());
        }
    }
}
