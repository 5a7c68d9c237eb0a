<?php
// The README's PHP example, with Composer's autoloader.
declare(strict_types=1);

require __DIR__ . '/vendor/autoload.php';

use VoipSign\Signer;
use VoipSign\VoipSignException;

echo Signer::sign('wx20afc706a711eefc', '1559129713_672975982', '8AP6DT9ybtniUJfb',
                  1559129714, 'gDyVgzwa0mFz9uUP7M6GQQ=='), "\n";
$ticket = Signer::issue('wx20afc706a711eefc', 'room-42', 'gDyVgzwa0mFz9uUP7M6GQQ==');
echo 'ticket ', json_encode($ticket, JSON_THROW_ON_ERROR), "\n";
try {
    Signer::sign('wx20afc706a711eefc', 'room-42', '8AP6DT9ybtniUJfb', 1559129714000, 'gDyVgzwa0mFz9uUP7M6GQQ==');
} catch (VoipSignException $e) {
    echo 'error ', $e->getErrorName(), "\n";
}
echo 'library ', Signer::library(), "\n";
