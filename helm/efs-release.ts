/**
 * Values of one release of the local `efs` chart (helm/efs): a PersistentVolume
 * on the EFS file system and a claim of the same name in the release namespace.
 */

export interface EfsReleaseValues {
  pv: { name: string; dnsName: string };
  pvc: { name: string };
}

export interface EfsReleaseParams {
  /** Name of both the PersistentVolume and the PersistentVolumeClaim. */
  name: string;
  /** DNS name of the EFS file system (aws_efs_file_system.efs.dns_name). */
  dnsName: string;
}

export function efsReleaseValues(p: EfsReleaseParams): EfsReleaseValues {
  return {
    pv: { name: p.name, dnsName: p.dnsName },
    pvc: { name: p.name },
  };
}

/**
 * The values of one release, as the blueprint writes them (jupyterhub.tf, a `<<-EOT` heredoc):
 * the DNS name unquoted. It is a plain host name, so quoting would buy nothing, and these bytes
 * keep the two EFS releases of an adopted state unchanged.
 */
export function efsReleaseValuesYaml(p: EfsReleaseParams): string {
  if (!/^[A-Za-z0-9.${}_-]+$/.test(p.name))
    throw new Error(`efs release name ${JSON.stringify(p.name)} needs quoting in YAML`);
  return `pv:\n  name: ${p.name}\n  dnsName: ${p.dnsName}\npvc:\n  name: ${p.name}\n`;
}
