// Values of one release of the local `efs` chart (helm/efs): a PersistentVolume
// on the EFS file system and a claim of the same name in the release namespace.

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
