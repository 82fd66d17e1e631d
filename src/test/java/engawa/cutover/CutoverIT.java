package engawa.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class CutoverIT {

    @Test
    void referencePlanRunsAcrossTwoInstances() throws Exception {
        try (TwoInstances two = TwoInstances.start(300)) {
            CutoverPlan plan = two.plan(two.referencePlan());
            StringWriter text = new StringWriter();
            int code;
            try (CutoverRunner r = new CutoverRunner(plan, TwoInstances.ENV, new PrintWriter(text, true))) {
                code = r.plan();
                code = code == 0 ? r.apply() : code;
            }
            System.out.println(text);
            assertThat(code).isEqualTo(0);
        }
    }
}
