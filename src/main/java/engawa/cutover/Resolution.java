package engawa.cutover;

import java.net.InetAddress;
import java.util.List;

/**
 * Where a host name led, following referrals and CNAMEs from the instance that holds its top zone: the
 * addresses of the answer, the path taken ({@code old: referral to ns1.www.example.test. (127.0.0.2)}), or
 * why there is no answer.
 */
record Resolution(List<InetAddress> addresses, List<String> trail, String error) {

    boolean ok() {
        return error == null && !addresses.isEmpty();
    }

    String describe() {
        return String.join(" -> ", trail) + (error == null ? "" : ": " + error);
    }
}
