<?php
// What PHP saw of the request, as JSON: the CGI variables, the parsed query and form, the raw body's digest.
$body = file_get_contents('php://input');
$keys = ['SCRIPT_FILENAME', 'SCRIPT_NAME', 'PATH_INFO', 'PHP_SELF', 'DOCUMENT_ROOT', 'DOCUMENT_URI', 'REQUEST_URI',
         'REQUEST_METHOD', 'QUERY_STRING', 'CONTENT_TYPE', 'CONTENT_LENGTH', 'SERVER_NAME', 'SERVER_ADDR', 'SERVER_PORT',
         'SERVER_PROTOCOL', 'SERVER_SOFTWARE', 'GATEWAY_INTERFACE', 'REQUEST_SCHEME', 'HTTPS', 'REMOTE_ADDR',
         'REMOTE_PORT', 'REMOTE_USER', 'AUTH_TYPE', 'PHP_AUTH_USER', 'REDIRECT_STATUS', 'HTTP_HOST', 'HTTP_X_CUSTOM',
         'HTTP_X_FORWARDED_FOR', 'HTTP_PROXY', 'HTTP_COOKIE', 'HTTP_ACCEPT', 'HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH',
         'HTTP_TRANSFER_ENCODING'];
$server = [];
foreach ($keys as $k) {
    if (array_key_exists($k, $_SERVER)) {
        $server[$k] = $_SERVER[$k];
    }
}
$http = [];
foreach ($_SERVER as $k => $v) {
    if (strncmp($k, 'HTTP_', 5) === 0) {
        $http[] = $k;
    }
}
header('Content-Type: application/json');
echo json_encode(['server' => $server, 'http' => $http, 'get' => $_GET, 'post' => $_POST, 'cookies' => $_COOKIE,
                  'body_length' => strlen($body), 'body_sha256' => hash('sha256', $body), 'proxy_env' => getenv('HTTP_PROXY'), 'pid' => getmypid()]);
