<?php

/**
 * Generate voipsign_ffi.h, the declaration file PHP's FFI reads, from the C header
 * include/voipsign.h (which cbindgen generates).
 *
 * PHP's FFI parser accepts no preprocessor lines except `#define FFI_SCOPE "..."`
 * and `#define FFI_LIB "..."` at the top of the file, so this script strips the
 * comments, #include lines, the include guard and the `extern "C"` block (it
 * evaluates #ifdef/#ifndef with nothing but the header's own macros defined: not
 * __cplusplus), and replaces object-like macros (VOIPSIGN_ERROR_MESSAGE_CAP, ...)
 * by their values. Anything it does not understand (#if, #pragma, function-like
 * macros) is an error, never silently dropped.
 *
 * Usage:
 *   php tools/gen-ffi-header.php [--lib=libvoipsign.so] [--scope=voipsign]
 *       [--input=../../include/voipsign.h] [--output=FILE | --check=FILE]
 *
 *   no --output/--check  print the generated header
 *   --output=FILE        write it to FILE
 *   --check=FILE         exit 1 (with a diff hint) when FILE differs from it
 *
 * `--lib` is the FFI_LIB value: a library name resolved by the dynamic loader
 * (the shipped default, libvoipsign.so) or an absolute path.
 */

declare(strict_types=1);

namespace VoipSign\Tools;

const DEFAULT_LIB = 'libvoipsign.so';
const DEFAULT_SCOPE = 'voipsign';

/**
 * Remove C comments, keeping string and character literals intact and keeping the
 * newlines inside block comments (so preprocessor lines stay on their own lines).
 */
function strip_comments(string $src): string
{
    $out = '';
    $n = \strlen($src);
    $i = 0;
    while ($i < $n) {
        $c = $src[$i];
        $next = $i + 1 < $n ? $src[$i + 1] : '';
        if ($c === '/' && $next === '*') {
            $end = strpos($src, '*/', $i + 2);
            if ($end === false) {
                throw new \RuntimeException('unterminated /* comment');
            }
            $newlines = substr_count($src, "\n", $i, $end - $i);
            $out .= $newlines > 0 ? str_repeat("\n", $newlines) : ' ';
            $i = $end + 2;
        } elseif ($c === '/' && $next === '/') {
            $end = strpos($src, "\n", $i);
            $i = $end === false ? $n : $end;
        } elseif ($c === '"' || $c === "'") {
            $j = $i + 1;
            while ($j < $n && $src[$j] !== $c) {
                $j += $src[$j] === '\\' ? 2 : 1;
            }
            if ($j >= $n) {
                throw new \RuntimeException('unterminated literal');
            }
            $out .= substr($src, $i, $j - $i + 1);
            $i = $j + 1;
        } else {
            $out .= $c;
            $i++;
        }
    }
    return $out;
}

/**
 * Turn the C header into plain declarations that PHP's FFI parser accepts.
 *
 * @return string the declarations, without the FFI_SCOPE / FFI_LIB lines
 */
function declarations(string $cHeader): string
{
    $text = strip_comments(str_replace("\r\n", "\n", $cHeader));
    $text = preg_replace('/\\\\\n/', ' ', $text); // line continuations

    $macros = [];   // name => replacement text
    $defined = [];  // name => true (includes value-less defines)
    $stack = [];    // [active, parentActive, taken] per open conditional
    $active = true;
    $kept = [];

    foreach (explode("\n", $text) as $lineNo => $line) {
        $trimmed = trim($line);
        if ($trimmed === '' || $trimmed[0] !== '#') {
            if ($active) {
                $kept[] = rtrim($line);
            }
            continue;
        }
        if (!preg_match('/^#\s*(\w+)\s*(.*)$/', $trimmed, $m)) {
            throw new \RuntimeException(sprintf('line %d: cannot parse "%s"', $lineNo + 1, $trimmed));
        }
        [, $directive, $rest] = $m;
        switch ($directive) {
            case 'ifdef':
            case 'ifndef':
                $isDefined = isset($defined[trim($rest)]);
                $cond = $directive === 'ifdef' ? $isDefined : !$isDefined;
                $stack[] = [$active, $cond];
                $active = $active && $cond;
                break;
            case 'else':
                if ($stack === []) {
                    throw new \RuntimeException(sprintf('line %d: #else without #if', $lineNo + 1));
                }
                [$parent, $cond] = $stack[\count($stack) - 1];
                $stack[\count($stack) - 1] = [$parent, !$cond];
                $active = $parent && !$cond;
                break;
            case 'endif':
                if ($stack === []) {
                    throw new \RuntimeException(sprintf('line %d: #endif without #if', $lineNo + 1));
                }
                [$active] = array_pop($stack);
                break;
            case 'include':
                break;
            case 'define':
                if (!$active) {
                    break;
                }
                if (!preg_match('/^([A-Za-z_]\w*)(\(?)\s*(.*)$/', $rest, $d) || $d[2] === '(') {
                    throw new \RuntimeException(sprintf('line %d: unsupported #define "%s"', $lineNo + 1, $trimmed));
                }
                $defined[$d[1]] = true;
                if (trim($d[3]) !== '') {
                    $macros[$d[1]] = trim($d[3]);
                }
                break;
            default:
                throw new \RuntimeException(sprintf('line %d: unsupported directive "%s"', $lineNo + 1, $trimmed));
        }
    }
    if ($stack !== []) {
        throw new \RuntimeException('unterminated #ifdef/#ifndef');
    }

    $body = implode("\n", $kept);
    // Replace macros by their values, repeatedly (a macro may name another one).
    for ($round = 0; $macros !== []; $round++) {
        if ($round > 16) {
            throw new \RuntimeException('recursive macros');
        }
        $before = $body;
        foreach ($macros as $name => $value) {
            $body = preg_replace('/\b' . preg_quote($name, '/') . '\b/', $value, $body);
        }
        if ($body === $before) {
            break;
        }
    }

    // One declaration per paragraph: drop empty lines, then a blank line after each
    // top-level declaration (a line that ends with ';' outside braces/parentheses).
    $lines = [];
    $depth = 0;
    foreach (explode("\n", $body) as $line) {
        if (trim($line) === '') {
            continue;
        }
        $lines[] = $line;
        $depth += substr_count($line, '{') + substr_count($line, '(')
            - substr_count($line, '}') - substr_count($line, ')');
        if ($depth === 0 && str_ends_with($line, ';')) {
            $lines[] = '';
        }
    }
    return rtrim(implode("\n", $lines)) . "\n";
}

/**
 * The complete voipsign_ffi.h: the two FFI defines, a notice, the declarations.
 */
function ffi_header(string $cHeader, string $lib = DEFAULT_LIB, string $scope = DEFAULT_SCOPE): string
{
    foreach (['lib' => $lib, 'scope' => $scope] as $what => $value) {
        if ($value === '' || preg_match('/["\\\\\x00-\x1f]/', $value)) {
            throw new \InvalidArgumentException("$what must be non-empty, without quotes, backslashes or control characters");
        }
    }
    return "#define FFI_SCOPE \"$scope\"\n"
        . "#define FFI_LIB \"$lib\"\n"
        . "// Generated from include/voipsign.h by bindings/php/tools/gen-ffi-header.php: do not edit.\n"
        . "// Regenerate with `make -C bindings/php header`. For php.ini ffi.preload (see README.md).\n\n"
        . declarations($cHeader);
}

/** @param list<string> $argv */
function main(array $argv): int
{
    $opts = ['lib' => DEFAULT_LIB, 'scope' => DEFAULT_SCOPE,
        'input' => \dirname(__DIR__, 3) . '/include/voipsign.h', 'output' => null, 'check' => null];
    foreach (\array_slice($argv, 1) as $arg) {
        if (!preg_match('/^--(lib|scope|input|output|check)=(.*)$/s', $arg, $m)) {
            fwrite(STDERR, "usage: php gen-ffi-header.php [--lib=NAME|PATH] [--scope=NAME] [--input=voipsign.h] [--output=FILE|--check=FILE]\n");
            return 2;
        }
        $opts[$m[1]] = $m[2];
    }
    $source = @file_get_contents($opts['input']);
    if ($source === false) {
        fwrite(STDERR, "cannot read {$opts['input']}\n");
        return 2;
    }
    try {
        $header = ffi_header($source, $opts['lib'], $opts['scope']);
    } catch (\Exception $e) {
        fwrite(STDERR, "{$opts['input']}: {$e->getMessage()}\n");
        return 1;
    }
    if ($opts['check'] !== null) {
        $current = @file_get_contents($opts['check']);
        if ($current !== $header) {
            fwrite(STDERR, "{$opts['check']} is out of date with {$opts['input']}: run `make -C bindings/php header`\n");
            return 1;
        }
        fwrite(STDOUT, "{$opts['check']} is in sync with {$opts['input']}\n");
        return 0;
    }
    if ($opts['output'] !== null) {
        if (file_put_contents($opts['output'], $header) === false) {
            fwrite(STDERR, "cannot write {$opts['output']}\n");
            return 1;
        }
        return 0;
    }
    fwrite(STDOUT, $header);
    return 0;
}

if (PHP_SAPI === 'cli' && isset($argv[0]) && realpath($argv[0]) === __FILE__) {
    exit(main($argv));
}
