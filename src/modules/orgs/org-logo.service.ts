// The organization's logo (issue #13 item 7): printed at the top of its documents and shown on
// the client portal and the pay page.
//
// Accepted: PNG and JPEG only, recognised by their own bytes (signature, chunks, frame header:
// shared/image/image.ts), never by the name or the Content-Type a client sends, so HTML or SVG
// named logo.png is refused and the type the logo is later served with is the one its bytes
// proved. At most MAX_LOGO_BYTES and MAX_LOGO_PIXELS on a side: it prints in a 40 × 20 mm box.
// The image is a stored file (sealed under the org's document key, AAD bound to its row, like
// issued PDFs); the org row names it. Setting and removing it are audited with the image's
// SHA-256, and an issued document records the SHA-256 of the logo it printed in its snapshot.
// Issued PDFs are stored, never re-rendered, so a later logo change changes no issued document.
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { IMAGE_CONTENT_TYPE, ImageError, readImage } from '../../shared/image/image.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { FileService } from '../files/file.service.ts';
import { findOrg, updateOrgRow } from './org.repo.ts';
import { storedLogoSchema, type OrgLogo, type StoredLogo } from './org.schemas.ts';

export const MAX_LOGO_BYTES = 512 * 1024;
export const MAX_LOGO_PIXELS = 4000;

/** The logo's bytes as stored, for the PDF renderers and the endpoints that serve it. */
export interface LogoImage {
  bytes: Buffer;
  sha256: string;
  contentType: 'image/png' | 'image/jpeg';
}

export interface OrgLogoServiceDeps {
  db: Database;
  audit: AuditService;
  clock: Clock;
  files: Pick<FileService, 'putInTx' | 'getInTx' | 'removeInTx'>;
}

const invalid = (message: string) => new AppError('validation_failed', message);

export function createOrgLogoService({ db, audit, clock, files }: OrgLogoServiceDeps) {
  async function storedLogo(ex: Executor, orgId: string): Promise<StoredLogo | null> {
    const row = await findOrg(ex, orgId);
    if (!row) throw notFound('Organization');
    return row.logo === null ? null : storedLogoSchema.parse(JSON.parse(row.logo));
  }

  async function imageInTx(ex: Executor, orgId: string): Promise<LogoImage | null> {
    const logo = await storedLogo(ex, orgId);
    if (logo === null) return null;
    const file = await files.getInTx(ex, orgId, logo.fileId);
    return { bytes: file.bytes, sha256: file.sha256, contentType: logo.contentType };
  }

  const publicFacts = ({ fileId: _fileId, ...facts }: StoredLogo): OrgLogo => facts;

  return {
    /** Checks and stores a new logo in place of the current one. */
    async set(orgId: string, bytes: Buffer, actor: AuditActor): Promise<OrgLogo> {
      if (bytes.length === 0) throw invalid('The request has no image: send the PNG or JPEG file as the body');
      if (bytes.length > MAX_LOGO_BYTES)
        throw invalid(
          `The logo is ${Math.ceil(bytes.length / 1024)} KB; at most ${MAX_LOGO_BYTES / 1024} KB is accepted`,
        );
      let info;
      try {
        info = readImage(bytes, { maxWidth: MAX_LOGO_PIXELS, maxHeight: MAX_LOGO_PIXELS });
      } catch (err) {
        if (err instanceof ImageError) throw invalid(err.message);
        throw err;
      }
      const contentType = IMAGE_CONTENT_TYPE[info.format] as StoredLogo['contentType'];
      return inTx(db, async (tx) => {
        const previous = await storedLogo(tx, orgId);
        const file = await files.putInTx(tx, orgId, 'org.logo', contentType, bytes);
        const logo: StoredLogo = {
          fileId: file.id,
          sha256: file.sha256,
          contentType,
          width: info.width,
          height: info.height,
          size: bytes.length,
          updatedAt: clock.now().toISOString(),
        };
        await updateOrgRow(tx, orgId, { logo: JSON.stringify(logo), updated_at: logo.updatedAt });
        if (previous) await files.removeInTx(tx, orgId, previous.fileId);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'org.logo.updated',
          objectType: 'org',
          objectId: orgId,
          summary: {
            sha256: logo.sha256,
            contentType,
            width: logo.width,
            height: logo.height,
            size: logo.size,
            previousSha256: previous?.sha256 ?? null,
          },
        });
        return publicFacts(logo);
      });
    },

    /** Removes the logo; documents issued with it keep it (their PDFs are stored). Idempotent. */
    async remove(orgId: string, actor: AuditActor): Promise<void> {
      await inTx(db, async (tx) => {
        const previous = await storedLogo(tx, orgId);
        if (previous === null) return;
        const now = clock.now().toISOString();
        await updateOrgRow(tx, orgId, { logo: null, updated_at: now });
        await files.removeInTx(tx, orgId, previous.fileId);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'org.logo.removed',
          objectType: 'org',
          objectId: orgId,
          summary: { sha256: previous.sha256 },
        });
      });
    },

    /** The logo's bytes inside the caller's transaction (rendering a document), or null. */
    imageInTx,
    /** The logo's bytes (serving it, rendering a preview), or null. */
    image: (orgId: string): Promise<LogoImage | null> => imageInTx(db, orgId),
  };
}

export type OrgLogoService = ReturnType<typeof createOrgLogoService>;
