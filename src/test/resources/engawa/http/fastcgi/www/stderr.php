<?php
error_log('first complaint from stderr.php');
error_log("second complaint\nspans two lines");
echo 'logged';
