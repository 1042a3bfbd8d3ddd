import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Lists every skipped test in the Surefire and Failsafe reports of every module under a directory
 * ({@code <module>/target/surefire-reports/TEST-*.xml}, {@code .../failsafe-reports/TEST-*.xml}), with the
 * reason each gave. With {@code --fail-on-skip} (CI: {@code make test REQUIRE_KERNEL=true}) a skipped test,
 * or no report at all, fails the build: a test that did not run has shown nothing, and CI must not pass by
 * skipping. Maven itself counts skips as success, hence this check after it.
 *
 * <p>Usage: {@code java scripts/SkippedTests.java [--fail-on-skip] [DIR]}. A single-file program, so that it
 * needs nothing but the JDK that builds the project.
 */
public final class SkippedTests {

  /** One skipped test, or a suite whose skip count is more than the test cases it lists as skipped. */
  record Skip(String report, String test, String reason) {}

  public static void main(String[] args) throws Exception {
    boolean failOnSkip = false;
    Path root = Path.of(".");
    for (String a : args) {
      if (a.equals("--fail-on-skip")) {
        failOnSkip = true;
      } else {
        root = Path.of(a);
      }
    }
    List<Path> reports = reports(root);
    List<Skip> skips = new ArrayList<>();
    Counts all = new Counts();
    for (Path report : reports) {
      all.add(read(root.relativize(report), report, skips));
    }
    System.out.printf("skipped-test check: %d Surefire and Failsafe report files%n", reports.size());
    for (Skip s : skips) {
      System.out.println("  SKIPPED " + s.test() + " (" + s.report() + "): " + s.reason());
    }
    boolean fail = false;
    if (failOnSkip && reports.isEmpty()) {
      System.out.println("FAILED: no report under " + root.toAbsolutePath() + ": did the tests run?");
      fail = true;
    }
    if (failOnSkip && !skips.isEmpty()) {
      System.out.println("FAILED: tests were skipped, and -Dhmesh.requireKernel=true (CI) forbids that. A"
          + " test's requirement that the machine lacks belongs in scripts/install-deps.sh or"
          + " scripts/prepare-kernel.sh.");
      fail = true;
    }
    // The whole run's tally, last, in the plain form a reader of the log looks for.
    System.out.printf("tests: %d passed, %d failed, %d skipped%n", all.tests - all.failed - all.skipped,
        all.failed, all.skipped);
    System.exit(fail ? 1 : 0);
  }

  /** What the reports count: tests, those that failed or erred, those skipped. */
  static final class Counts {
    int tests;
    int failed;
    int skipped;

    void add(Counts c) {
      tests += c.tests;
      failed += c.failed;
      skipped += c.skipped;
    }
  }

  /** TEST-*.xml in every target/surefire-reports and target/failsafe-reports below {@code root}. */
  static List<Path> reports(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root, 6)) {
      return files.filter(SkippedTests::isReport).sorted().toList();
    }
  }

  private static boolean isReport(Path p) {
    Path dir = p.getParent();
    String name = p.getFileName().toString();
    return dir != null && dir.getParent() != null && name.startsWith("TEST-") && name.endsWith(".xml")
        && (dir.endsWith("surefire-reports") || dir.endsWith("failsafe-reports"))
        && dir.getParent().endsWith("target");
  }

  /** Adds the report's skipped tests to {@code skips}; returns its counts. */
  static Counts read(Path shownAs, Path report, List<Skip> skips) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Element suite = factory.newDocumentBuilder().parse(report.toFile()).getDocumentElement();
    NodeList cases = suite.getElementsByTagName("testcase");
    int listed = 0;
    for (int i = 0; i < cases.getLength(); i++) {
      Element testcase = (Element) cases.item(i);
      NodeList skipped = testcase.getElementsByTagName("skipped");
      if (skipped.getLength() > 0) {
        listed++;
        skips.add(new Skip(shownAs.toString(), testcase.getAttribute("classname") + "."
            + testcase.getAttribute("name"), reason((Element) skipped.item(0))));
      }
    }
    // A class skipped as a whole may be counted in the suite without a test case of its own.
    int counted = number(suite.getAttribute("skipped"));
    if (counted > listed) {
      skips.add(new Skip(shownAs.toString(), suite.getAttribute("name"),
          (counted - listed) + " more skipped without a test case in the report"));
    }
    // Or not counted at all: a class that JUnit aborts in @BeforeAll (an assumption there, or an extension)
    // runs none of its tests, and Surefire writes a report with no test and no skip.
    if (cases.getLength() == 0 && number(suite.getAttribute("tests")) == 0) {
      skips.add(new Skip(shownAs.toString(), suite.getAttribute("name"),
          "no test of the class ran: skipped as a whole before its tests (or it has none)"));
      counted = Math.max(counted, 1);
    }
    Counts counts = new Counts();
    counts.tests = Math.max(number(suite.getAttribute("tests")), cases.getLength());
    counts.failed = number(suite.getAttribute("failures")) + number(suite.getAttribute("errors"));
    counts.skipped = Math.max(counted, listed);
    counts.tests = Math.max(counts.tests, counts.skipped + counts.failed);
    return counts;
  }

  /** The skip's message, or else the first line of the stack trace Surefire keeps in its place. */
  private static String reason(Element skipped) {
    String message = skipped.getAttribute("message");
    if (message.isEmpty()) {
      message = skipped.getTextContent().strip().lines().findFirst().orElse("");
    }
    return message.isEmpty() ? "(no reason given)" : message;
  }

  private static int number(String attribute) {
    return attribute.isEmpty() ? 0 : Integer.parseInt(attribute.trim());
  }
}
