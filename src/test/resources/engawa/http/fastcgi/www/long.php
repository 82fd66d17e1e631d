<?php
// A long header block: many cookies.
for ($i = 0; $i < (int) ($_GET['n'] ?? 10); $i++) {
    setcookie('c' . $i, str_repeat('v', 100));
}
echo 'cookies';
