<?php
echo 'legacy index ', $_SERVER['SCRIPT_NAME'];
