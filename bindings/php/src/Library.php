<?php

declare(strict_types=1);

namespace VoipSign;

use FFI;

/**
 * Locates and loads libvoipsign through FFI. Used by Signer; call it directly only
 * to inspect where the library comes from.
 *
 * Order: an explicit path (Signer::useLibrary()), else the FFI scope 'voipsign'
 * when php.ini preloads voipsign_ffi.h (ffi.preload, the FPM setup), else
 * FFI::cdef() with the VOIPSIGN_LIB environment variable, else the library the
 * Composer release package bundles for this platform (lib/<platform>/ beside
 * src/, by absolute path: see bundledPath()), else the installed library name libvoipsign.so (found by the
 * dynamic loader).
 */
final class Library
{
    /** The FFI_SCOPE of voipsign_ffi.h. */
    public const SCOPE = 'voipsign';

    /** The library name tried last, resolved by the dynamic loader (ld.so). */
    public const DEFAULT_NAME = 'libvoipsign.so';

    /** The environment variable that may hold the library's path. */
    public const ENV = 'VOIPSIGN_LIB';

    private static ?string $declarations = null;

    /**
     * Every library loaded with FFI::cdef(), by path, kept for the life of the
     * process: loading a path again reuses it, and no FFI object is ever freed.
     * (PHP 8.2's FFI caches struct field lookups per opcode by type address; freeing
     * an FFI object and parsing the same declarations again can put a new type at
     * the old address, and the next field read then follows a freed pointer.)
     *
     * @var array<string, FFI>
     */
    private static array $loaded = [];

    /**
     * Load the library.
     *
     * @param string|null $path   an explicit path (or library name) to load with
     *                            FFI::cdef(); null for the automatic order above
     * @param string|null $source receives a description of what was loaded
     *
     * @throws LibraryException when nothing could be loaded
     */
    public static function load(?string $path = null, ?string &$source = null): FFI
    {
        if ($path === null) {
            try {
                $ffi = FFI::scope(self::SCOPE);
                $source = "FFI scope '" . self::SCOPE . "' (ffi.preload)";
                return $ffi;
            } catch (FFI\Exception $e) {
                if (str_contains($e->getMessage(), 'restricted')) {
                    throw new LibraryException(
                        sprintf('FFI is restricted (ffi.enable=%s)', (string) ini_get('ffi.enable'))
                        . ': under ffi.enable=preload, preload voipsign_ffi.h with ffi.preload '
                        . 'and this package\'s preload.php with opcache.preload (see README.md), '
                        . 'or set ffi.enable=true',
                        0,
                        $e
                    );
                }
                // No such scope: not preloaded, load the library ourselves.
            }
            $env = getenv(self::ENV);
            if (\is_string($env) && $env !== '') {
                $path = $env;
                $how = 'from ' . self::ENV;
            } elseif (is_file(self::bundledPath())) {
                $path = self::bundledPath();
                $how = 'bundled with the package';
            } else {
                $path = self::DEFAULT_NAME;
                $how = 'the default name; set ' . self::ENV . ' or call Signer::useLibrary() to give a path';
            }
        } else {
            $how = 'given to Signer::useLibrary()';
        }
        if (isset(self::$loaded[$path])) {
            $source = $path;
            return self::$loaded[$path];
        }
        try {
            $ffi = FFI::cdef(self::declarations(), $path);
        } catch (FFI\Exception $e) {
            throw new LibraryException(
                "cannot load libvoipsign from '$path' ($how): " . $e->getMessage()
                . '; build it with `make ffi`',
                0,
                $e
            );
        }
        $source = $path;
        return self::$loaded[$path] = $ffi;
    }

    /**
     * The absolute path of the library the Composer release package bundles for
     * this platform: lib/<platform()>/ beside src/, holding libvoipsign.so (Linux),
     * libvoipsign.dylib (macOS) or voipsign.dll (Windows); a checkout of the
     * repository has none.
     */
    public static function bundledPath(): string
    {
        $file = match (PHP_OS_FAMILY) {
            'Darwin' => 'libvoipsign.dylib',
            'Windows' => 'voipsign.dll',
            default => 'libvoipsign.so',
        };
        return \dirname(__DIR__) . '/lib/' . self::platform() . '/' . $file;
    }

    /**
     * This process's platform as the release package names its lib/ folders:
     * linux-x86_64, linux-aarch64, linux-x86_64-musl, linux-aarch64-musl,
     * macos-aarch64, macos-x86_64, windows-x86_64 (other machines keep
     * php_uname('m')'s name and find no bundled library).
     *
     * musl (Alpine) is told from glibc by the C library this process has mapped
     * (/proc/self/maps names ld-musl), not by what is installed: a glibc system
     * may have musl's loader installed too.
     */
    public static function platform(): string
    {
        $os = match (PHP_OS_FAMILY) {
            'Darwin' => 'macos',
            'Windows' => 'windows',
            default => strtolower(PHP_OS_FAMILY),
        };
        $machine = strtolower(php_uname('m'));
        $arch = match ($machine) {
            'x86_64', 'amd64', 'x64' => 'x86_64',
            'aarch64', 'arm64', 'armv8', 'armv8l' => 'aarch64',
            default => $machine,
        };
        $platform = $os . '-' . $arch;
        if ($os === 'linux') {
            $maps = @file_get_contents('/proc/self/maps');
            if (\is_string($maps) && str_contains($maps, 'ld-musl-')) {
                $platform .= '-musl';
            }
        }
        return $platform;
    }

    /**
     * The path of the shipped FFI declaration file, voipsign_ffi.h: the file to name
     * in php.ini's ffi.preload.
     */
    public static function headerPath(): string
    {
        return \dirname(__DIR__) . '/voipsign_ffi.h';
    }

    /**
     * The C declarations of voipsign_ffi.h without its FFI_SCOPE / FFI_LIB lines, as
     * FFI::cdef() takes them.
     *
     * @throws LibraryException when voipsign_ffi.h cannot be read
     */
    public static function declarations(): string
    {
        if (self::$declarations === null) {
            $text = @file_get_contents(self::headerPath());
            if ($text === false) {
                throw new LibraryException('cannot read ' . self::headerPath());
            }
            self::$declarations = (string) preg_replace('/^#define FFI_(SCOPE|LIB) .*$/m', '', $text);
        }
        return self::$declarations;
    }
}
