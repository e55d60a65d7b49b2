import type { FastifyInstance } from 'fastify';
import { parseForm } from '../../platform/forms/forms';
import { confirmationRequestFields, confirmationRequestSchema } from './schema';
import { follow, type PathwayRouteContext } from './route-context';
import { FormProblem, type EvidencePages } from './evidence-pages';

/**
 * Asking for a piece of evidence to be checked: confirmation by someone who saw the work (an emailed link),
 * verification by the practitioner's supervisor, and withdrawing either request.
 */
export function evidenceReviewRoutes(app: FastifyInstance, ctx: PathwayRouteContext, pages: EvidencePages) {
  const { review } = ctx;
  const { onItem } = pages;

  app.post('/pathway/:pathwayId/evidence/:evidenceId/confirmation', { config: follow }, async (request, reply) =>
    onItem(request, reply, async (p, id) => {
      const parsed = parseForm(confirmationRequestSchema, request.body, confirmationRequestFields);
      if (!parsed.ok) throw new FormProblem(parsed.form);
      await review.requestConfirmation(p, id, parsed.data, request.auditContext());
      return `We have emailed ${parsed.data.name} a link to confirm this evidence. It works once and expires in 30 days.`;
    }),
  );

  app.post('/pathway/:pathwayId/evidence/:evidenceId/verification', { config: follow }, async (request, reply) =>
    onItem(request, reply, async (p, id) => {
      await review.requestVerification(p, id, request.auditContext());
      return 'Sent to your supervisor to verify.';
    }),
  );

  app.post('/pathway/:pathwayId/evidence/:evidenceId/withdraw', { config: follow }, async (request, reply) =>
    onItem(request, reply, async (p, id) => {
      await review.withdraw(p, id, request.auditContext());
      return 'Request withdrawn: the link no longer works and the evidence is a draft again.';
    }),
  );
}
