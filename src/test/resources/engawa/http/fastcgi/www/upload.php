<?php
// Reads the body as it comes and answers "<length> <sha256>"; with ?gate=ID, not before a file gate-ID appears.
if (isset($_GET['gate'])) {
    $gate = __DIR__ . '/gate-' . preg_replace('/[^a-z0-9]/', '', $_GET['gate']);
    for ($i = 0; $i < 3000 && !file_exists($gate); $i++) {
        clearstatcache();
        usleep(20000);
    }
}
$in = fopen('php://input', 'rb');
$ctx = hash_init('sha256');
$n = 0;
while (!feof($in)) {
    $chunk = fread($in, 65536);
    if ($chunk === false) {
        break;
    }
    $n += strlen($chunk);
    hash_update($ctx, $chunk);
}
echo $n, ' ', hash_final($ctx);
