package engawa.http.guard;

/**
 * The page a browser gets while it waits: self-contained (no scripts, styles inline, nothing fetched), it
 * shows the visitor's place in line and reloads itself every few seconds with a meta refresh, which brings
 * the ticket cookie back.
 */
final class WaitingRoomPage {

    private WaitingRoomPage() {
    }

    static String render(int position, int refreshSeconds, int ttlSeconds) {
        String ahead = position == 1 ? "You are next." : (position - 1) + " people are ahead of you.";
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta http-equiv="refresh" content="%d">
                <meta name="robots" content="noindex">
                <title>You are in line</title>
                <style>
                body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
                font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f1ea;color:#2b2b2b}
                main{max-width:32rem;padding:2rem;text-align:center}
                h1{font-size:1.5rem;font-weight:600}
                .place{font-size:4rem;font-weight:700;margin:1rem 0;font-variant-numeric:tabular-nums}
                p{line-height:1.5}
                </style>
                </head>
                <body>
                <main>
                <h1>So many people are here right now that you are in line.</h1>
                <p>Your place in line</p>
                <p class="place" id="position">%d</p>
                <p>%s This page checks every %d seconds and takes you in when it is your turn.</p>
                <p>Keep it open: a place not checked for %d seconds goes to the next person.</p>
                </main>
                </body>
                </html>
                """.formatted(refreshSeconds, position, ahead, refreshSeconds, ttlSeconds);
    }
}
