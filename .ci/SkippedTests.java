import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Prints one line per skipped test of the last build, with the reason JUnit recorded, read from every
 * module's surefire/failsafe XML reports. Run as a source file: java .ci/SkippedTests.java [ROOT]
 */
public class SkippedTests {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root, 4)) {
            for (Path report : files.filter(SkippedTests::isReport).sorted().toList()) {
                var factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                NodeList cases = factory.newDocumentBuilder().parse(report.toFile()).getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    Element testcase = (Element) cases.item(i);
                    NodeList skipped = testcase.getElementsByTagName("skipped");
                    if (skipped.getLength() == 0) {
                        continue;
                    }
                    String reason = reason((Element) skipped.item(0));
                    String module = root.relativize(report).getName(0).toString();
                    lines.add("SKIPPED " + module + " " + testcase.getAttribute("classname") + "."
                            + testcase.getAttribute("name") + ": " + (reason.isEmpty() ? "(no reason given)" : reason));
                }
            }
        }
        lines.forEach(System.out::println);
        System.out.println(".ci/run: " + lines.size() + " test(s) skipped");
    }

    /** The message attribute, or else the first line of the recorded exception without its type. */
    private static String reason(Element skipped) {
        String text = skipped.getAttribute("message");
        if (text.isBlank()) {
            text = skipped.getTextContent().strip().lines().findFirst().orElse("");
            text = text.replaceFirst("^[\\w.$]+Exception: ", "").replaceFirst("^Assumption failed: ", "");
        }
        return text.replaceAll("\\s+", " ").trim();
    }

    private static boolean isReport(Path p) {
        String name = p.getFileName().toString();
        String dir = p.getParent() == null ? "" : p.getParent().getFileName().toString();
        return name.startsWith("TEST-") && name.endsWith(".xml")
                && (dir.equals("surefire-reports") || dir.equals("failsafe-reports"));
    }
}
