<?php

declare(strict_types=1);

namespace VoipSign\Tests;

/** The shared cross-language vectors, tests/vectors/signatures.json of the repository. */
final class Vectors
{
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
}
