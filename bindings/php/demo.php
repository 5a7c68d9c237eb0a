<?php

/**
 * Demo: the documentation's worked example, signed from PHP through libvoipsign,
 * and a join ticket as the mini program receives it.
 *
 * Usage: php demo.php   (VOIPSIGN_LIB=/path/libvoipsign.so to choose the library)
 */

declare(strict_types=1);

require __DIR__ . '/tests/bootstrap.php';

use VoipSign\Signer;

$expected = 'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617';
$signature = Signer::sign('wx20afc706a711eefc', '1559129713_672975982', '8AP6DT9ybtniUJfb', 1559129714, 'gDyVgzwa0mFz9uUP7M6GQQ==');

printf("PHP %s, libvoipsign %s (%s)\n", PHP_VERSION, Signer::version(), Signer::library());
printf("canonical  %s\n", Signer::canonical('wx20afc706a711eefc', '1559129713_672975982', '8AP6DT9ybtniUJfb', 1559129714));
printf("signature  %s\n", $signature);
printf("ticket     %s\n", json_encode(Signer::issue('wx20afc706a711eefc', '1559129713_672975982', 'gDyVgzwa0mFz9uUP7M6GQQ==')));
if ($signature !== $expected) {
    fwrite(STDERR, "MISMATCH: the documentation's signature is $expected\n");
    exit(1);
}
echo "matches the documentation's example\n";
