<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\Library;

/**
 * The folder the Composer release package bundles this platform's library in
 * (docs/PLATFORMS.md). The arm64 case runs under qemu in make test-dist-all.
 */
final class PlatformTest extends TestCase
{
    public function testThisMachineIsLinuxX8664WithGlibc(): void
    {
        self::assertSame('Linux', PHP_OS_FAMILY, 'this suite runs on Linux');
        self::assertSame('x86_64', php_uname('m'));
        self::assertStringNotContainsString('ld-musl-', (string) file_get_contents('/proc/self/maps'));
        self::assertSame('linux-x86_64', Library::platform());
    }

    public function testTheBundledPathNamesThePlatformFolderAndTheLibraryFile(): void
    {
        self::assertSame(\dirname(__DIR__) . '/lib/linux-x86_64/libvoipsign.so', Library::bundledPath());
    }
}
