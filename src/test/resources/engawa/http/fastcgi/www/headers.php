<?php
header('X-Script: headers');
setcookie('first', 'one');
setcookie('second', 'two', ['path' => '/legacy/', 'httponly' => true]);
header('Cache-Control: no-cache');
echo 'with headers';
