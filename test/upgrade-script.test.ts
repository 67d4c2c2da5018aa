/**
 * End-to-end tests of scripts/upgrade.sh against the fakes of test/fixtures/fakebin. The fake
 * cluster runs a platform stage of test/fixtures/fakebin/lib/stages.tsv (the upgrade path that
 * the fake synth writes into settings.json) and a Kubernetes version; the fake terraform's
 * apply moves it to what the applied plan holds, so several runs walk the whole path.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  changes,
  kubeconfigOf,
  line,
  run,
  runOnTerminal,
  type Sandbox,
  sandbox,
  terraformCalls,
  toolCalls,
} from "./helpers/scripts";

const CRDS = ["nodepools.karpenter.sh", "nodeclaims.karpenter.sh", "ec2nodeclasses.karpenter.k8s.aws"];

const recorded = (box: Sandbox) =>
  JSON.parse(fs.readFileSync(path.join(box.repo, "jupyterhub.config.json"), "utf8")).platform as string;
const clusterPlatform = (box: Sandbox) => fs.readFileSync(path.join(box.state, "cluster.platform"), "utf8").trim();
const clusterVersion = (box: Sandbox) => fs.readFileSync(path.join(box.state, "cluster.k8s"), "utf8").trim();
/** Clears the call log and the fakes' counters between two runs on one sandbox (the cluster stays). */
function nextRun(box: Sandbox): void {
  fs.rmSync(box.log, { force: true });
  for (const f of fs.readdirSync(box.state)) if (f.startsWith("count.")) fs.rmSync(path.join(box.state, f));
}

describe.concurrent("scripts/upgrade.sh", () => {
  it(
    "takes a blueprint cluster to stage 1: reads the state and the live cluster, " +
      "hands the CRDs to karpenter-crd, applies, checks, records",
    async () => {
      const box = sandbox({ platform: "blueprint" });
      const r = await run(box, "upgrade", ["--yes", "-var", "name=jupyterhub-on-eks"]);
      expect(r.code).toBe(0);
      const chdir = `-chdir=${box.stack}`;
      const kubectl = `kubectl --kubeconfig ${kubeconfigOf(r.calls)}`;
      expect(changes(r.calls)).toEqual([
        "npm run synth",
        "npm run synth",
        `terraform ${chdir} init -input=false`,
        `aws --region us-west-2 eks update-kubeconfig --name jupyterhub-on-eks --kubeconfig ${kubeconfigOf(r.calls)}`,
        ...CRDS.flatMap((crd) => [
          `${kubectl} label crd ${crd} app.kubernetes.io/managed-by=Helm --overwrite`,
          `${kubectl} annotate crd ${crd} meta.helm.sh/release-name=karpenter-crd ` +
            `meta.helm.sh/release-namespace=karpenter --overwrite`,
        ]),
        `terraform ${chdir} apply -input=false <stage-plan>`,
      ]);
      // The inputs check and the plan get the live control plane version, after the user's inputs.
      expect(toolCalls(r.calls, "npm").map(line)).toContain(
        "npm run --silent validate -- -var=name=jupyterhub-on-eks -var=eks_cluster_version=1.32",
      );
      expect(terraformCalls(r.calls).find((l) => l.includes(" plan "))).toMatch(
        /-var=name=jupyterhub-on-eks -var=eks_cluster_version=1\.32$/,
      );
      // The live reads come before any change.
      const lines = r.calls.map(line);
      for (const read of [
        "get --raw /version",
        "get crd nodepools.karpenter.sh",
        "get ec2nodeclasses.karpenter.k8s.aws",
        "get deployment hub",
      ]) {
        expect(lines.findIndex((l) => l.includes(read))).toBeLessThan(lines.findIndex((l) => l.includes("label crd")));
      }
      expect(r.stdout).toContain(
        "Live cluster: Kubernetes 1.32; Karpenter 0.37.0; CRDs managed by: none, stored " +
          "as: v1beta1; Karpenter node image: AL2; JupyterHub chart: 3.2.1; notebook " +
          "servers: 0",
      );
      expect(r.stdout).toContain("Next stage: upgrade-1. The plan runs with -var eks_cluster_version=1.32.");
      expect(r.stdout).toContain("The cluster shows stage upgrade-1.");
      expect(clusterPlatform(box)).toBe("upgrade-1");
      expect(recorded(box)).toBe("upgrade-1");
      expect(r.stdout).toContain(`Recorded "platform": "upgrade-1" in ${box.repo}/jupyterhub.config.json: commit it.`);
    },
  );

  it("walks the whole path one stage per run, then the control plane one minor " +
    "version at a time, then says it is complete", async () => {
    const box = sandbox({ platform: "blueprint" });
    const expected = [
      ["upgrade-1", "1.32"],
      ["upgrade-2", "1.32"],
      ["upgrade-3", "1.32"],
      ["upgrade-4", "1.32"],
      ["current", "1.32"],
      ["control-plane-1.33", "1.33"],
      ["control-plane-1.34", "1.34"],
      ["control-plane-1.35", "1.35"],
    ];
    for (const [stage, version] of expected) {
      nextRun(box);
      const r = await run(box, "upgrade", ["--yes", "--stage", stage!]);
      expect(r.code, `${stage}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`Next stage: ${stage}. The plan runs with -var eks_cluster_version=${version}.`);
      expect(terraformCalls(r.calls).filter((l) => l.includes(" apply "))).toHaveLength(1);
      expect(clusterVersion(box) === version || !stage!.startsWith("control")).toBe(true);
    }
    expect(recorded(box)).toBe("current");
    expect(clusterPlatform(box)).toBe("current");
    expect(clusterVersion(box)).toBe("1.35");
    nextRun(box);
    const done = await run(box, "upgrade", ["--yes"]);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("The control plane runs 1.35, the current default (1.35): the upgrade is complete.");
    expect(terraformCalls(done.calls).filter((l) => l.includes(" plan ") || l.includes(" apply "))).toEqual([]);
  }, 300_000); // nine runs in a row: about 30 s on an idle 2-core machine, more under load

  it("reminds to pin eks_cluster_version after a control plane stage and records nothing", async () => {
    const box = sandbox({ platform: "current" });
    const r = await run(box, "upgrade", ["--yes"], { env: { FAKE_KUBE_PLATFORM: "current" } });
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls).find((l) => l.includes(" plan "))).toMatch(/-var=eks_cluster_version=1\.33$/);
    expect(r.stdout).toContain('Set eks_cluster_version = "1.33" in your tfvars');
    expect(recorded(box)).toBe("current");
    expect(clusterVersion(box)).toBe("1.33");
  });

  it("refuses a stage that does not follow from the live cluster, saying where the cluster is", async () => {
    const box = sandbox({ platform: "blueprint" });
    const r = await run(box, "upgrade", ["--yes"], { env: { FAKE_KUBE_PLATFORM: "upgrade-3" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "stage 1 (upgrade-1) does not follow from the live cluster, which looks like " +
        "stage 3 (upgrade-3): karpenter is 1.0.14, but stage 0 (blueprint) has 0.37.0 " +
        "and stage 1 (upgrade-1) has 0.37.8. jupyterhub.config.json records blueprint.",
    );
    expect(terraformCalls(r.calls).filter((l) => l.includes(" plan ") || l.includes(" apply "))).toEqual([]);
    expect(
      toolCalls(r.calls, "kubectl").filter((c) => c.argv.includes("label") || c.argv.includes("annotate")),
    ).toEqual([]);
    expect(recorded(box)).toBe("blueprint");
  });

  it("refuses a control plane stage while the recorded stage is not what the cluster runs", async () => {
    const box = sandbox({ platform: "current" });
    const r = await run(box, "upgrade", ["--yes"], { env: { FAKE_KUBE_PLATFORM: "upgrade-4" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "the live cluster does not show stage 5 (current), which jupyterhub.config.json records: hub is 3.2.1",
    );
    expect(terraformCalls(r.calls).filter((l) => l.includes(" plan "))).toEqual([]);
  });

  it("resumes a stage that stopped half way (the CRDs already handed over)", async () => {
    const box = sandbox({ platform: "blueprint" });
    fs.writeFileSync(path.join(box.state, "flag.crds-adopted"), "");
    const r = await run(box, "upgrade", ["--yes"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("CRDs managed by: karpenter-crd");
    expect(recorded(box)).toBe("upgrade-1");
  });

  it("records a stage that was applied but not recorded, without applying again", async () => {
    const box = sandbox({ platform: "blueprint" });
    const r = await run(box, "upgrade", ["--yes"], {
      env: { FAKE_KUBE_PLATFORM: "upgrade-1", FAKE_TF_NO_CHANGES: "1" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("The live cluster already shows stage 1 (upgrade-1): only the record is missing.");
    expect(terraformCalls(r.calls).filter((l) => l.includes(" apply "))).toEqual([]);
    expect(recorded(box)).toBe("upgrade-1");
  });

  it("--stage refuses to run another stage than the next one", async () => {
    const box = sandbox({ platform: "blueprint" });
    const r = await run(box, "upgrade", ["--yes", "--stage", "upgrade-2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--stage upgrade-2 given, but the next stage is upgrade-1. Nothing was changed.");
    expect(terraformCalls(r.calls).filter((l) => l.includes(" plan "))).toEqual([]);
    const bad = await run(box, "upgrade", ["--yes", "--stage", "latest"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--stage latest: expected upgrade-1 ... upgrade-4, current or control-plane-1.NN");
  });

  it("stage 3 lists the notebooks on nodes it marks as drifted and leaves them running by default", async () => {
    const box = sandbox({ platform: "upgrade-2" });
    const r = await run(box, "upgrade", ["--yes"], {
      env: { FAKE_KUBE_PLATFORM: "upgrade-2", FAKE_KUBE_NOTEBOOKS: "2" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2 notebook server(s) run on nodes that become drifted (user, pod, node):");
    expect(r.stdout).toContain("  - user-1  jupyter-user-1  on ip-100-64-2-1.ec2.internal");
    expect(r.stdout).toContain("running notebooks keep running and their nodes are replaced after the servers stop");
    expect(r.stdout).toContain("Pass --wait-for-idle to wait until they stop before this stage changes anything.");
    expect(r.stdout).toContain("The core node group is replaced");
    expect(recorded(box)).toBe("upgrade-3");
  });

  it("stage 3 with --wait-for-idle waits until no notebook runs before it plans", async () => {
    const box = sandbox({ platform: "upgrade-2" });
    const r = await run(box, "upgrade", ["--yes", "--wait-for-idle"], {
      env: { FAKE_KUBE_PLATFORM: "upgrade-2", FAKE_KUBE_NOTEBOOKS: "1", FAKE_KUBE_NOTEBOOK_POLLS: "3" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/Waiting for 1 notebook server\(s\) to stop/g)).toHaveLength(3);
    expect(r.stdout).toContain("No notebook server runs on nodes that become drifted any more.");
    // The plan comes after the fourth look at the notebooks, the first that found none.
    const lines = r.calls.map(line);
    const polls = lines.map((l, i) => (l.includes("component=singleuser-server") ? i : -1)).filter((i) => i >= 0);
    expect(lines.findIndex((l) => l.includes(" plan "))).toBeGreaterThan(polls[3]!);
    expect(lines.findIndex((l) => l.includes(" plan "))).toBeLessThan(polls[4]!);
  });

  it("stage 3 with --wait-for-idle stops at --idle-timeout without changing anything", async () => {
    const box = sandbox({ platform: "upgrade-2" });
    const r = await run(box, "upgrade", ["--yes", "--wait-for-idle", "--idle-timeout", "0"], {
      env: { FAKE_KUBE_PLATFORM: "upgrade-2", FAKE_KUBE_NOTEBOOKS: "1" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "still 1 notebook server(s) on nodes that become drifted after waiting 0s (--idle-timeout); nothing was changed.",
    );
    expect(terraformCalls(r.calls).filter((l) => l.includes(" plan ") || l.includes(" apply "))).toEqual([]);
    expect(recorded(box)).toBe("upgrade-2");
  });

  it(
    "stage 2 names the nodes Karpenter 1.0 expires at once and the notebooks on " + "them, and can wait for them",
    async () => {
      const box = sandbox({ platform: "upgrade-1" });
      const env = { FAKE_KUBE_PLATFORM: "upgrade-1", FAKE_KUBE_NOTEBOOKS: "2", FAKE_KUBE_OLD_NODES: "1" };
      const r = await run(box, "upgrade", ["--plan-only"], { env });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        "WARNING: 1 Karpenter node(s) are older than their NodePool's expireAfter; " +
          "Karpenter 1.0 drains them as soon as it starts: ip-100-64-2-1.ec2.internal",
      );
      expect(r.stdout).toContain(
        "1 notebook server(s) run on those nodes (user, pod, node):\n  - user-1  " +
          "jupyter-user-1  on ip-100-64-2-1.ec2.internal",
      );
      const fresh = await run(sandbox({ platform: "upgrade-1" }), "upgrade", ["--plan-only"], {
        env: { ...env, FAKE_KUBE_OLD_NODES: "" },
      });
      expect(fresh.stdout).toContain("No Karpenter node is older than its NodePool's expireAfter");
      const waited = await run(
        sandbox({ platform: "upgrade-1" }),
        "upgrade",
        ["--plan-only", "--wait-for-idle", "--idle-timeout=0"],
        { env },
      );
      expect(waited.code).toBe(1);
      expect(waited.stderr).toContain("still 1 notebook server(s) on those nodes after waiting 0s");
    },
  );

  it.each([
    [{ FAKE_KUBE_STORED: "v1beta1,v1" }, "the Karpenter CRDs still store v1,v1beta1; Karpenter 1.1+ needs v1 only."],
    [
      { FAKE_KUBE_UNMIGRATED: "1" },
      "NodePools without nodeClassRef.group/kind or with the v1beta1 kubelet compatibility annotation: gpu-ts.",
    ],
  ])("stage 4 refuses while Karpenter objects are not all v1 (%j)", async (env, message) => {
    const box = sandbox({ platform: "upgrade-3" });
    const r = await run(box, "upgrade", ["--yes"], { env: { FAKE_KUBE_PLATFORM: "upgrade-3", ...env } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" plan "))).toEqual([]);
  });

  it(
    "stage 3 is complete only when Karpenter has stored every object as v1, bounded " + "by --rollout-timeout",
    async () => {
      const box = sandbox({ platform: "upgrade-2" });
      const r = await run(box, "upgrade", ["--yes", "--rollout-timeout", "0"], {
        env: { FAKE_KUBE_PLATFORM: "upgrade-2", FAKE_KUBE_STORED: "v1beta1,v1" },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        "the cluster does not show stage upgrade-3 after 0s (--rollout-timeout). The apply succeeded;",
      );
      expect(r.stdout).toMatch(/8\/8\s+not run\s+Record the stage/);
      expect(recorded(box)).toBe("upgrade-2");
    },
  );

  it("fails the wait when the apply changed nothing on the cluster", async () => {
    const box = sandbox({ platform: "blueprint" });
    const r = await run(box, "upgrade", ["--yes", "--rollout-timeout=0"], { env: { FAKE_TF_APPLY_NOOP: "1" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("step 7 of 8 failed");
    expect(recorded(box)).toBe("blueprint");
  });

  const steps: Array<[number, string, string]> = [
    [1, "npm run synth", "Synthesize as configured"],
    [3, "init -input=false", "Initialize Terraform"],
    [4, "output -json", "Read the cluster"],
    [4, "get crd nodepools.karpenter.sh", "Read the cluster"],
    [5, "validate", "Check the settings and every input"],
    [6, "-detailed-exitcode", "Plan and apply the stage"],
    [6, "label crd", "Plan and apply the stage"],
    [6, "stage.tfplan", "Plan and apply the stage"],
  ];

  it.each(steps)(
    "a failure in step %i (%s) stops there, records nothing and says how to resume",
    async (step, needle, name) => {
      const box = sandbox({ platform: "blueprint" });
      const r = await run(box, "upgrade", ["--yes"], { env: { FAKE_FAIL: needle, FAKE_FAIL_CODE: "5" } });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(`ERROR: step ${step} of 8 failed (exit 5)`);
      expect(r.stderr).toContain(name);
      expect(r.stderr).toContain(`${box.repo}/scripts/upgrade.sh --yes`);
      expect(r.calls.map(line).at(-1)).toContain(needle === "stage.tfplan" ? "-detailed-exitcode" : needle);
      expect(recorded(box)).toBe("blueprint");
    },
  );

  it.each([
    ["blueprint", "upgrade-1"],
    ["upgrade-1", "upgrade-2"],
    ["upgrade-2", "upgrade-3"],
    ["upgrade-3", "upgrade-4"],
    ["upgrade-4", "current"],
    ["current", "control-plane-1.33"],
  ] as const)(
    "a failed apply in the stage after %s (%s) leaves the record and the cluster where they were",
    async (from, stage) => {
      const box = sandbox({ platform: from });
      const r = await run(box, "upgrade", ["--yes"], {
        env: { FAKE_KUBE_PLATFORM: from, FAKE_FAIL: " apply -input=false ", FAKE_FAIL_CODE: "6" },
      });
      expect(r.code).toBe(6);
      expect(r.stdout).toContain(`Next stage: ${stage}.`);
      expect(r.stderr).toContain("ERROR: step 6 of 8 failed (exit 6)");
      expect(r.stdout).toMatch(/7\/8\s+not run/);
      expect(recorded(box)).toBe(from);
      expect(fs.existsSync(path.join(box.state, "cluster.platform"))).toBe(false);
    },
  );

  it("--dry-run reads the state and the live cluster for real and prints every change without making it", async () => {
    const box = sandbox({ platform: "blueprint" });
    const r = await run(box, "upgrade", ["--dry-run"]);
    expect(r.code).toBe(0);
    expect(changes(r.calls).filter((l) => !l.includes("update-kubeconfig"))).toEqual([
      "npm run synth",
      "npm run synth",
      `terraform -chdir=${box.stack} init -input=false`,
    ]);
    expect(toolCalls(r.calls, "kubectl").some((c) => c.argv.includes("ec2nodeclasses.karpenter.k8s.aws"))).toBe(true);
    const printed = r.stdout.split("\n").filter((l) => l.startsWith("+ "));
    expect(
      printed.some((l) => l.includes("annotate crd nodepools.karpenter.sh meta.helm.sh/release-name=karpenter-crd")),
    ).toBe(true);
    expect(printed).toContain(`+ terraform -chdir=${box.stack} apply -input=false -var=eks_cluster_version=1.32`);
    expect(printed).toContain(`+ set "platform": "upgrade-1" in ${box.repo}/jupyterhub.config.json`);
    expect(recorded(box)).toBe("blueprint");
    expect(fs.existsSync(path.join(box.state, "cluster.platform"))).toBe(false);
  });

  it("--plan-only plans the next stage, applies nothing and needs no terminal", async () => {
    const box = sandbox({ platform: "blueprint" });
    const r = await run(box, "upgrade", ["--plan-only"]);
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" plan "))).toHaveLength(1);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" apply "))).toEqual([]);
    expect(toolCalls(r.calls, "kubectl").filter((c) => c.argv.includes("label"))).toEqual([]);
    expect(recorded(box)).toBe("blueprint");
  });

  it("asks on a terminal before it applies, and without one needs --yes", async () => {
    const box = sandbox({ platform: "blueprint" });
    const none = await run(box, "upgrade", []);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("upgrade.sh asks before it changes anything, and there is no terminal to ask on");
    expect(none.calls).toEqual([]);
    const declined = await runOnTerminal(box, "upgrade", [], ["no"]);
    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain('Apply the plan above (stage upgrade-1)? Only "yes" goes ahead: no');
    expect(toolCalls(declined.calls, "kubectl").filter((c) => c.argv.includes("label"))).toEqual([]);
    expect(recorded(box)).toBe("blueprint");
  });

  it("--help names every stage and option and runs nothing", async () => {
    const box = sandbox({ platform: "blueprint" });
    const r = await run(box, "upgrade", ["--help"]);
    expect(r.code).toBe(0);
    for (const text of [
      "upgrade-1",
      "upgrade-4",
      "current",
      "--wait-for-idle",
      "--idle-timeout",
      "--rollout-timeout",
      "--stage NAME",
      "--plan-only",
      "--dry-run",
      "--kube-context",
    ]) {
      expect(r.stdout).toContain(text);
    }
    expect(r.calls).toEqual([]);
  });

  it("refuses unknown options and bad numbers before running anything", async () => {
    const box = sandbox({ platform: "blueprint" });
    for (const [args, message] of [
      [["--bogus"], "unknown option: --bogus (see upgrade.sh --help"],
      [["--idle-timeout", "soon"], "--idle-timeout / JH_IDLE_TIMEOUT must be a number of seconds, got 'soon'"],
      [["--skip-synth"], "--skip-synth: upgrade.sh synthesizes each stage itself"],
    ] as const) {
      const r = await run(box, "upgrade", ["--yes", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.calls).toEqual([]);
    }
  });
});
