/** Acknowledging takes no body. */
export class AcknowledgeAssignmentRequestDto {}
