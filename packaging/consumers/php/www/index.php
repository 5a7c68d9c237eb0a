<?php
// One request under PHP-FPM with ffi.enable=preload: the classes come from
// opcache.preload (the package's preload.php), the library from ffi.preload.
declare(strict_types=1);

require dirname(__DIR__) . '/vendor/autoload.php';

use VoipSign\Signer;

header('Content-Type: text/plain');
echo Signer::sign('wx20afc706a711eefc', '1559129713_672975982', '8AP6DT9ybtniUJfb',
                  1559129714, 'gDyVgzwa0mFz9uUP7M6GQQ=='), "\n";
echo 'ticket ', json_encode(Signer::issue('wx20afc706a711eefc', $_GET['groupId'] ?? 'room-42', 'gDyVgzwa0mFz9uUP7M6GQQ=='), JSON_THROW_ON_ERROR), "\n";
echo 'library ', Signer::library(), "\n";
echo 'sapi ', PHP_SAPI, ' ffi.enable=', ini_get('ffi.enable'), "\n";
