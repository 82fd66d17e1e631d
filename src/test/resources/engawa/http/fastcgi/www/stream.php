<?php
// Streams N MiB of the big.php pattern, noting in progress-ID how much it has written so far.
$mib = (int) ($_GET['mib'] ?? 1);
$progress = __DIR__ . '/progress-' . preg_replace('/[^a-z0-9]/', '', $_GET['id'] ?? 'x');
$block = '';
for ($i = 0; $i < 65536; $i++) {
    $block .= chr(($i * 31 + 7) & 0xff);
}
header('Content-Type: application/octet-stream');
for ($i = 0; $i < $mib * 16; $i++) {
    echo $block;
    flush();
    file_put_contents($progress, (string) (($i + 1) * 65536));
}
