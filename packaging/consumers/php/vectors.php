<?php
// The signature vectors (the signatures.json named on the command line) through
// the installed package: every valid case's signature, the error code of every
// invalid `sign` case whose values PHP's typed API accepts.
declare(strict_types=1);

require getcwd() . '/vendor/autoload.php';

use VoipSign\Signer;
use VoipSign\VoipSignException;

$doc = json_decode(file_get_contents($argv[1]), true, 64, JSON_THROW_ON_ERROR);
$passed = $failed = 0;
$cases = array_map(fn ($c) => [$c, $c['signature']], $doc['cases']);
foreach ($doc['invalid'] as $c) {
    if (($c['op'] ?? 'sign') === 'sign') {
        $cases[] = [$c, $c['error']];
    }
}
foreach ($cases as [$c, $want]) {
    try {
        $got = Signer::sign($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey']);
    } catch (VoipSignException $e) {
        $got = $e->getErrorName();
    } catch (TypeError) {
        continue; // a JSON value PHP's typed API refuses by type (a float timeStamp, null)
    }
    if ($got === $want) {
        $passed++;
    } else {
        $failed++;
        fwrite(STDERR, "vector {$c['name']}: want $want, got $got\n");
    }
}
echo "vectors: $passed passed, $failed failed\n";
exit($failed === 0 && $passed > 0 ? 0 : 1);
