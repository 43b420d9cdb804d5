// The OWL API's OWL 2 DL profile check of one ontology document: prints each violation on a line, then
// "N axioms, M violations"; exits 1 when there is a violation. tests/graph/test_owl_dl.py runs it with
// Java's source-file launcher against the OWL API inside owlready2's HermiT.jar:
//     java -cp .../owlready2/hermit/HermiT.jar tests/graph/OwlDlProfile.java FILE.nt

import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlDlProfile {
    public static void main(String[] args) throws Exception {
        OWLOntology ontology = OWLManager.createOWLOntologyManager().loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation violation : report.getViolations()) {
            System.out.println(violation);
        }
        System.out.println(ontology.getAxiomCount() + " axioms, " + report.getViolations().size() + " violations");
        System.exit(report.isInProfile() ? 0 : 1);
    }
}
