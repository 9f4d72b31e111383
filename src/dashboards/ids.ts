/** Dashboard uids: stable, so links (notifications, alert annotations, imports) keep working. */
export const OVERVIEW_UID = 'cvm-llm-overview';
export const INSTANCE_UID = 'cvm-llm-instance';
export const GPU_UID = 'cvm-gpu';
export const HOST_UID = 'cvm-host';
export const GATEWAY_UID = 'cvm-gateway';
