<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use VoipSign\Signer;

/** The shared cross-language vectors, tests/vectors/signatures.json of the repository. */
final class Vectors
{
    /** The operations of the invalid cases ("op"; none means 'sign'). */
    public const OPS = ['sign', 'canonical', 'verify', 'sign_many', 'issue', 'diagnose', 'session_signature'];

    /** @var array<string, mixed>|null */
    private static ?array $data = null;

    public static function path(): string
    {
        return \dirname(__DIR__, 3) . '/tests/vectors/signatures.json';
    }

    /** @return array<string, mixed> */
    public static function all(): array
    {
        return self::$data ??= json_decode((string) file_get_contents(self::path()), true, 16, JSON_THROW_ON_ERROR);
    }

    /**
     * A data provider: the entries of one section, keyed by their names.
     *
     * @return array<string, array{0: array<string, mixed>}>
     */
    public static function section(string $name): array
    {
        $rows = [];
        foreach (self::all()[$name] as $entry) {
            $rows[$entry['name']] = [$entry];
        }
        return $rows;
    }

    /**
     * The operation of an invalid case: its "op", 'sign' when it has none.
     *
     * @param array<string, mixed> $c
     */
    public static function op(array $c): string
    {
        return $c['op'] ?? 'sign';
    }

    /**
     * Make the call an invalid case names, with its fields as the arguments.
     *
     * @param array<string, mixed> $c
     *
     * @throws \UnexpectedValueException for an op this suite does not know
     */
    public static function call(array $c): mixed
    {
        return match (self::op($c)) {
            'sign' => Signer::sign($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey']),
            'canonical' => Signer::canonical($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp']),
            'verify' => Signer::verify($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey'], $c['signature']),
            'sign_many' => Signer::signMany($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKeys']),
            'issue' => Signer::issue($c['appId'], $c['groupId'], $c['sessionKey'], $c['roomType']),
            'diagnose' => Signer::diagnose(
                $c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'],
                $c['sessionKey'], $c['rejectedSignature'], $c['otherSessionKeys']
            ),
            'session_signature' => Signer::sessionSignature($c['sessionKey'], $c['body']),
            default => throw new \UnexpectedValueException("{$c['name']}: unknown op '{$c['op']}'"),
        };
    }

    /**
     * Every session_key of an invalid case (none of them may show in an error).
     *
     * @param array<string, mixed> $c
     *
     * @return list<string>
     */
    public static function keys(array $c): array
    {
        return array_values(array_merge(
            isset($c['sessionKey']) ? [$c['sessionKey']] : [],
            $c['sessionKeys'] ?? [],
            $c['otherSessionKeys'] ?? []
        ));
    }
}
