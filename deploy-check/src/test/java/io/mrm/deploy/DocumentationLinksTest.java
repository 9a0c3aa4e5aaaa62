package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The user documentation (README.md and docs/) links only to files that exist and to headings that
 * exist, so a moved file or a renamed section fails the build instead of leaving a dead link. It also
 * keeps tracker references out: the documentation speaks to users.
 */
class DocumentationLinksTest {

    /** {@code [text](target)}; an image's {@code ![alt](target)} matches too. */
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

    private static final Pattern HEADING = Pattern.compile("^(#{1,6}) (.*)$");
    /** A tracker reference: "#123" not inside a word, a URL fragment or a heading. */
    private static final Pattern ISSUE_NUMBER = Pattern.compile("(?<![\\w&/])#[0-9]+\\b");

    static List<Path> documents() {
        List<Path> docs = new ArrayList<>();
        docs.add(Repo.ROOT.resolve("README.md"));
        Path dir = Repo.ROOT.resolve("docs");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return docs;
    }

    @Test
    void everyRelativeLinkResolvesToAFileAndHeading() {
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path doc : documents()) {
            for (String target : links(Repo.read(doc))) {
                if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                    continue; // https:, mailto: ...: not this repository's files
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved =
                        file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                String where = Repo.ROOT.relativize(doc) + ": (" + target + ")";
                if (!resolved.startsWith(Repo.ROOT) || !Files.exists(resolved)) {
                    broken.add(where + " names no file in the repository");
                } else if (anchor != null) {
                    if (!resolved.toString().endsWith(".md")) {
                        broken.add(where + " has an anchor into a file that is not Markdown");
                    } else if (!anchors.computeIfAbsent(resolved, p -> headingAnchors(Repo.read(p)))
                            .contains(anchor)) {
                        broken.add(where + " names no heading of " + Repo.ROOT.relativize(resolved) + "; its headings: "
                                + anchors.get(resolved));
                    }
                }
            }
        }
        assertThat(broken).as("links in README.md and docs/ that lead nowhere").isEmpty();
    }

    @Test
    void theDocumentationNamesNoTrackerIssues() {
        List<String> found = new ArrayList<>();
        for (Path doc : documents()) {
            String[] lines = Repo.read(doc).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = ISSUE_NUMBER.matcher(lines[i]);
                if (m.find() || lines[i].toLowerCase(Locale.ROOT).matches(".*\\bissues?\\s*(#|no\\.?\\s*)?[0-9]+.*")) {
                    found.add(Repo.ROOT.relativize(doc) + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
        }
        assertThat(found)
                .as("the documentation speaks to users: no tracker or issue numbers")
                .isEmpty();
    }

    /** The checks themselves, on made-up documents: else a broken regex would pass everything. */
    @Test
    void theCheckerSeesLinksHeadingsAndIssueNumbers() {
        String doc = """
                # Title
                ## The event contract
                ## aem-sync (event replication)
                ## Who may write what
                ## Who may write what
                See [a](other.md#x), [b](#the-event-contract), ![img](fig.png) and [web](https://example.com).
                ```
                ## not a heading [c](inside-code.md)
                ```
                """;
        assertThat(links(doc)).containsExactly("other.md#x", "#the-event-contract", "fig.png", "https://example.com");
        assertThat(headingAnchors(doc))
                .contains(
                        "title",
                        "the-event-contract",
                        "aem-sync-event-replication",
                        "who-may-write-what",
                        "who-may-write-what-1")
                .doesNotContain("not-a-heading");
        assertThat(ISSUE_NUMBER.matcher("fixed in #123").find()).isTrue();
        assertThat(ISSUE_NUMBER
                        .matcher("see [x](a.md#the-event-contract) or &#8212;")
                        .find())
                .isFalse();
    }

    /** Every link target outside fenced code blocks. */
    static List<String> links(String markdown) {
        List<String> out = new ArrayList<>();
        boolean code = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                code = !code;
                continue;
            }
            if (code) {
                continue;
            }
            Matcher m = LINK.matcher(line);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces to dashes. */
    static Set<String> headingAnchors(String markdown) {
        Set<String> out = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean code = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                code = !code;
                continue;
            }
            Matcher m = HEADING.matcher(line);
            if (code || !m.matches()) {
                continue;
            }
            String slug = m.group(2)
                    .strip()
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                    .replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            out.add(n == 0 ? slug : slug + "-" + n);
        }
        return out;
    }
}
