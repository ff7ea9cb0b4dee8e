package dev.nabla;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bom/pom.xml} (nabla-bom) has no parent, so that importing it pins nothing but Nabla's own artifacts; its
 * versions are therefore written out, and must be the reactor's, for every published module.
 */
class BomTest {

    @Test
    void theBomListsEveryPublishedArtifactAtTheReactorsVersion() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();   // surefire runs in core/
        Path bom = root.resolve("bom/pom.xml");
        assertTrue(Files.isRegularFile(bom), "no " + bom);
        String version = child(parse(root.resolve("pom.xml")), "version");
        Element project = parse(bom);
        assertEquals("nabla-bom", child(project, "artifactId"));
        assertEquals(version, child(project, "version"), "nabla-bom's version");
        List<String> managed = new ArrayList<>();
        NodeList deps = project.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            String type = child(d, "type");
            String id = child(d, "groupId") + ":" + child(d, "artifactId") + (type == null ? "" : ":" + type);
            assertEquals(version, child(d, "version"), id + " in nabla-bom");
            managed.add(id);
        }
        assertEquals(List.of("dev.nabla:nabla-core", "dev.nabla:nabla-core:test-jar", "dev.nabla:nabla-cpu",
                "dev.nabla:nabla-gpu", "dev.nabla:nabla-spark"), managed);
        for (String module : List.of("core", "cpu-backend", "gpu-backend", "spark")) {
            Element pom = parse(root.resolve(module + "/pom.xml"));
            String artifact = "dev.nabla:" + child(pom, "artifactId");
            assertTrue(managed.contains(artifact), artifact + " is published but not in nabla-bom");
        }
    }

    private static Element parse(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(pom.toFile());
        return doc.getDocumentElement();
    }

    /** The text of the direct child element {@code name}, or null. */
    private static String child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().trim();
            }
        }
        return null;
    }
}
