<?php
header('Location: /legacy/target.php?from=redirect');
