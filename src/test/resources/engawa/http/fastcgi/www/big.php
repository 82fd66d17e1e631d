<?php
// Streams N MiB of a repeating pattern (the test knows it), flushing as it goes; ?length=1 announces it.
$mib = (int) ($_GET['mib'] ?? 1);
$block = '';
for ($i = 0; $i < 65536; $i++) {
    $block .= chr(($i * 31 + 7) & 0xff);
}
header('Content-Type: application/octet-stream');
if (isset($_GET['length'])) {
    header('Content-Length: ' . ($mib * 1048576));
}
for ($i = 0; $i < $mib * 16; $i++) {
    echo $block;
    flush();
}
