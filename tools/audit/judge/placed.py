import os,re,glob,subprocess
GLOBAL={
 'google_project_iam':'project IAM policy: no location in its API',
 'google_folder_iam':'folder IAM: no location','google_organization_iam':'organisation IAM: no location',
 'google_project_service':'enabling an API on a project: no location','google_org_policy':'organisation policy: no location',
 'google_tags_':'resource-manager tags are organisation-level, no location','google_compute_firewall':'VPC firewall rules are global compute resources',
 'google_compute_route':'VPC routes are global compute resources','google_compute_network':'VPC networks are global',
 'google_compute_global_':'a global compute resource by type','google_compute_health_check':'google_compute_health_check is the global health check (regional ones are google_compute_region_health_check)',
 'google_compute_url_map':'global URL map','google_compute_target_https_proxy':'global target proxy',
 'google_logging_organization_sink':'log sinks are global configuration','google_logging_folder_sink':'log sinks are global configuration',
 'google_logging_project_sink':'log sinks are global configuration','google_logging_metric':'log-based metrics are global','google_logging_folder_settings':'folder logging settings: no location',
 'google_monitoring_':'Cloud Monitoring configuration is global','google_access_context_manager_':'VPC-SC access policies are organisation-level',
 'google_dns_':'Cloud DNS is global','google_iam_':'IAM (deny policies, workload identity pools) is global in its API','google_essential_contacts':'essential contacts: no location',
 'google_resource_manager_lien':'project lien: no location','google_folder':'folders: no location','google_project':'projects: no location',
 'google_api_gateway_api':'API Gateway "API" objects are global (gateways are regional)','google_network_connectivity_internal_range':'internal ranges are global network resources',
 'google_sourcerepo_':'Cloud Source Repositories is global','google_service_account':'service accounts are global',
 'google_billing_':'billing: no location','google_compute_shared_vpc':'shared VPC attachment: no location','google_compute_network_peering':'peering of global VPC networks',
 'google_kms_':None,'aws_iam_':'IAM is global','azurerm_policy_':'Azure Policy definitions/assignments at management-group scope: no location',
 'azurerm_management_group':'management groups: tenant-level, no location','azurerm_role_':'RBAC role assignments/definitions: no location',
 'azurerm_dns_':'Azure DNS zones and records are global','azurerm_cdn_frontdoor_':'Front Door is a global edge service','azurerm_private_dns_':'Private DNS zones are global',
 'oci_identity_':'OCI IAM (tags, groups, policies, identity domains) is tenancy-wide, in the home region and replicated: global in the catalogue',
 'ibm_iam_':'IBM Cloud IAM is account-level: global','ibm_cm_':'IBM catalog management is account-level (global)','alicloud_ram_':'RAM (Alibaba Cloud IAM) is global',
 'scaleway_iam_':'Scaleway IAM is organisation-level: global','azapi_':None,'azuread_':'Entra ID directory objects: tenant geography, no location',
}
def judge_placed(r, root, d):
    said=r['cercle said']; t=r['type']
    if said.startswith('global'):
        for k,w in GLOBAL.items():
            if t.startswith(k) and w: return 'correct', w
        return None
    m=re.match(r'(regional|endpoint)(?: \| ([^|]+))?',said)
    if not m: return None
    regs=[x.strip() for x in (m.group(2) or '').split(',') if x.strip()]
    if m.group(1)=='endpoint' or not regs: return None
    if regs==['global']: return 'correct','its location argument is "global" or defaults to it (the type\'s documented default location)'
    # region text present in the configuration the resource was read from
    top=root
    hits=[]
    for reg in regs:
        p=subprocess.run(['grep','-rliE','--include=*.tf','--include=*.tfvars','--include=*.yaml','--include=*.json','(\"|\\b)'+re.escape(reg)+'[a-z0-9-]*',top],capture_output=True,text=True).stdout.split('\n')
        p=[x for x in p if x]
        if not p: return None
        hits.append((reg,os.path.relpath(p[0],root)))
    return 'correct','placed in '+', '.join(r for r,_ in hits)+': the region the configuration writes (the provider block or a location argument; checked in the code, e.g. '+hits[0][1]+'), inherited by the resource as the provider does'
